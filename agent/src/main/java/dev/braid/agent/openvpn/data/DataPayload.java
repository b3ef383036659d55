package dev.braid.agent.openvpn.data;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a decrypted data-channel payload is: OpenVPN's keepalive ping, its exit notification, or a
 * packet.
 */
public enum DataPayload {
  PING,
  OCC_EXIT,
  IP_PACKET;

  /** OpenVPN's 16-byte ping magic. */
  public static final byte[] PING_MAGIC =
      HexFormat.of().parseHex("2a187bf3641eb4cb07ed2d0a981fc748");

  /** OCC message prefix (16 bytes) followed by the opcode; OCC_EXIT = 6. */
  static final byte[] OCC_MAGIC = HexFormat.of().parseHex("287f346bd4ef7a812d56b8d3afc5459c");

  static final int OCC_EXIT_OPCODE = 6;

  /** The OCC_EXIT payload a client sends on explicit-exit-notify. */
  public static byte[] occExit() {
    byte[] b = Arrays.copyOf(OCC_MAGIC, 17);
    b[16] = OCC_EXIT_OPCODE;
    return b;
  }

  static DataPayload classify(byte[] plain) {
    if (Arrays.equals(plain, PING_MAGIC)) {
      return PING;
    }
    if (plain.length == 17
        && Arrays.equals(plain, 0, 16, OCC_MAGIC, 0, 16)
        && plain[16] == OCC_EXIT_OPCODE) {
      return OCC_EXIT;
    }
    return IP_PACKET;
  }
}
