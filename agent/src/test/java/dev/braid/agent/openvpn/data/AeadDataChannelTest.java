package dev.braid.agent.openvpn.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.openvpn.keys.DataCipher;
import dev.braid.agent.openvpn.keys.DataKeyMaterial;
import dev.braid.agent.openvpn.wire.DropReason;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Known answers computed independently with Python's cryptography AEAD classes. */
class AeadDataChannelTest {
  private static final HexFormat HEX = HexFormat.of();

  static DataKeyMaterial material() {
    byte[] m = new byte[256];
    for (int i = 0; i < 256; i++) {
      m[i] = (byte) (i * 7 + 3);
    }
    return new DataKeyMaterial(m);
  }

  static AeadDataChannel server(DataCipher c) {
    return channel(c, true);
  }

  /** The client's view: it encrypts with what the server decrypts with. */
  static AeadDataChannel client(DataCipher c) {
    return channel(c, false);
  }

  private static AeadDataChannel channel(DataCipher c, boolean server) {
    DataKeyMaterial m = material();
    byte[][] enc = {m.serverEncryptKey(c), m.serverEncryptImplicitIv()};
    byte[][] dec = {m.serverDecryptKey(c), m.serverDecryptImplicitIv()};
    byte[][] out = server ? enc : dec;
    byte[][] in = server ? dec : enc;
    return new AeadDataChannel(c, out[0], out[1], in[0], in[1], 1, 5);
  }

  @Test
  void knownAnswers() {
    byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
    assertThat(HEX.formatHex(server(DataCipher.AES_256_GCM).seal(hello)))
        .isEqualTo("4900000500000001f551c60d7949efec3ca9556ca6e9e89303fff95c20");
    assertThat(HEX.formatHex(server(DataCipher.CHACHA20_POLY1305).seal(hello)))
        .isEqualTo("490000050000000134f7a5a35fcef10392d28840eb884bf37756267ea8");
  }

  @Test
  void roundTripReplayAndTamperingForEveryCipher() {
    for (DataCipher c : DataCipher.values()) {
      AeadDataChannel server = server(c);
      AeadDataChannel client = client(c);
      byte[] p1 = client.seal(DataPayload.PING_MAGIC);
      byte[] p2 = client.seal(DataPayload.occExit());
      byte[] p3 = client.seal(new byte[] {0x45, 0, 0, 20});
      assertThat(server.open(p2, 0, p2.length, 0).value().kind()).isEqualTo(DataPayload.OCC_EXIT);
      assertThat(server.open(p1, 0, p1.length, 0).value().kind()).isEqualTo(DataPayload.PING);
      assertThat(server.open(p1, 0, p1.length, 0).drop()).isEqualTo(DropReason.REPLAY);
      p3[3] ^= 1; // header is authenticated data
      assertThat(server.open(p3, 0, p3.length, 0).drop())
          .as("%s", c)
          .isEqualTo(DropReason.DATA_BAD_TAG);
      byte[] back = server.seal(new byte[] {1, 2, 3});
      assertThat(client.open(back, 0, back.length, 0).value().plain()).containsExactly(1, 2, 3);
    }
  }

  @Test
  void occExitMatchesTheBytesOpenvpnSends() {
    assertThat(HEX.formatHex(DataPayload.occExit()))
        .isEqualTo("287f346bd4ef7a812d56b8d3afc5459c06");
  }
}
