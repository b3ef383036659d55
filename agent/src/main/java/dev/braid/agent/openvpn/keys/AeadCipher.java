package dev.braid.agent.openvpn.keys;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** AEAD data-channel ciphers Braid speaks, with OpenVPN's names. */
public enum AeadCipher {
  AES_256_GCM("AES-256-GCM", 32),
  AES_128_GCM("AES-128-GCM", 16),
  CHACHA20_POLY1305("CHACHA20-POLY1305", 32);

  private final String openvpnName;
  private final int keyLength;

  AeadCipher(String openvpnName, int keyLength) {
    this.openvpnName = openvpnName;
    this.keyLength = keyLength;
  }

  public String openvpnName() {
    return openvpnName;
  }

  public int keyLength() {
    return keyLength;
  }

  /** The cipher OpenVPN calls {@code name} (case-insensitive), if Braid speaks it. */
  public static Optional<AeadCipher> ofOpenvpnName(String name) {
    return Arrays.stream(values()).filter(c -> c.openvpnName.equalsIgnoreCase(name)).findFirst();
  }

  /**
   * The first cipher in the server's preference order that the client lists in IV_CIPHERS
   * (colon-separated, case-insensitive), as OpenVPN's NCP does.
   */
  public static Optional<AeadCipher> negotiate(
      List<AeadCipher> serverPreference, String ivCiphers) {
    List<String> client =
        Arrays.stream(ivCiphers.split(":")).map(String::strip).map(String::toUpperCase).toList();
    return serverPreference.stream().filter(c -> client.contains(c.openvpnName)).findFirst();
  }
}
