package dev.braid.agent.openvpn.tlswrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.agent.openvpn.wire.Decoded;
import dev.braid.agent.openvpn.wire.DropReason;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Known answers computed independently with Python's hmac and cryptography modules. */
class ControlWrapTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] PLAIN =
      HEX.parseHex("20" + "0102030405060708" + "00" + "00000001" + "abcdef");
  private static final long EPOCH = 0x5f000000L;

  static StaticKey countingKey() {
    byte[] k = new byte[256];
    for (int i = 0; i < 256; i++) {
      k[i] = (byte) i;
    }
    return new StaticKey(k);
  }

  @Test
  void tlsCryptServerKnownAnswerAndClientUnwrap() {
    TlsCrypt server = new TlsCrypt(countingKey(), KeyDirection.NORMAL);
    byte[] wire = server.wrap(PLAIN, EPOCH, 1);
    assertThat(HEX.formatHex(wire))
        .isEqualTo(
            "200102030405060708000000015f000000be2efe471fef1c0464f2378f16f58c5becadcc27ab29346a98b64a"
                + "3183f76e88186b7b7e8b1ff749");

    TlsCrypt client = new TlsCrypt(countingKey(), KeyDirection.INVERSE);
    ControlWrap.Unwrapped u = client.unwrap(wire, 0, wire.length).value();
    assertThat(u.plain()).isEqualTo(PLAIN);
    assertThat(u.packetId()).isEqualTo(1);
    assertThat(u.epoch()).isEqualTo(EPOCH);
    // a server cannot read its own direction
    assertThat(server.unwrap(wire, 0, wire.length).drop()).isEqualTo(DropReason.TLS_CRYPT_BAD_TAG);
  }

  @Test
  void tlsCryptRejectsTamperingAndShortPackets() {
    TlsCrypt client = new TlsCrypt(countingKey(), KeyDirection.INVERSE);
    byte[] wire = new TlsCrypt(countingKey(), KeyDirection.NORMAL).wrap(PLAIN, EPOCH, 1);
    for (int i : new int[] {0, 5, 10, 20, wire.length - 1}) {
      byte[] bad = wire.clone();
      bad[i] ^= 1;
      assertThat(client.unwrap(bad, 0, bad.length).drop())
          .as("flip byte %d", i)
          .isEqualTo(DropReason.TLS_CRYPT_BAD_TAG);
    }
    assertThat(client.unwrap(wire, 0, 49).drop()).isEqualTo(DropReason.TLS_CRYPT_TOO_SHORT);
  }

  @Test
  void tlsAuthSha1KnownAnswerAndDirections() {
    TlsAuth server = new TlsAuth(countingKey(), KeyDirection.NORMAL, TlsAuth.Digest.SHA1);
    byte[] wire = server.wrap(PLAIN, EPOCH, 1);
    assertThat(HEX.formatHex(wire))
        .isEqualTo(
            "200102030405060708396606c4010ca766bf80c02d524744b93fa71f43000000015f0000000000000001abcdef");
    TlsAuth client = new TlsAuth(countingKey(), KeyDirection.INVERSE, TlsAuth.Digest.SHA1);
    assertThat(client.unwrap(wire, 0, wire.length).value().plain()).isEqualTo(PLAIN);
    wire[wire.length - 1] ^= 1;
    assertThat(client.unwrap(wire, 0, wire.length).drop()).isEqualTo(DropReason.TLS_AUTH_BAD_HMAC);
  }

  @Test
  void tlsAuthDigestMustMatch() {
    for (TlsAuth.Digest d : TlsAuth.Digest.values()) {
      byte[] wire = new TlsAuth(countingKey(), KeyDirection.NORMAL, d).wrap(PLAIN, EPOCH, 7);
      Decoded<ControlWrap.Unwrapped> ok =
          new TlsAuth(countingKey(), KeyDirection.INVERSE, d).unwrap(wire, 0, wire.length);
      assertThat(ok.value().packetId()).isEqualTo(7);
      TlsAuth.Digest other = d == TlsAuth.Digest.SHA1 ? TlsAuth.Digest.SHA256 : TlsAuth.Digest.SHA1;
      assertThat(
              new TlsAuth(countingKey(), KeyDirection.INVERSE, other)
                  .unwrap(wire, 0, wire.length)
                  .isOk())
          .isFalse();
    }
  }

  @Test
  void staticKeyFileRoundTripAndErrors() {
    StaticKey key = countingKey();
    String file = "#\n# 2048 bit OpenVPN static key\n#\n" + key.format();
    StaticKey back = StaticKey.parse(file);
    assertThat(back.hmacKey(1, 4)).containsExactly(192, 193, 194, 195);
    assertThat(back.cipherKey(1, 2)).containsExactly(128, 129);
    assertThatThrownBy(() -> StaticKey.parse("junk")).hasMessageContaining("BEGIN");
    assertThatThrownBy(() -> StaticKey.parse(file.replace("0001020304", "zz01020304")))
        .hasMessageContaining("line 5 is not hex");
    String[] lines = file.split("\n");
    String missingLine = file.replace(lines[6] + "\n", "");
    assertThatThrownBy(() -> StaticKey.parse(missingLine))
        .hasMessageContaining("240 bytes before END");
  }
}
