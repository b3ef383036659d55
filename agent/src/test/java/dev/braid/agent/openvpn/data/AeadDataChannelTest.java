package dev.braid.agent.openvpn.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.openvpn.keys.AeadCipher;
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

  static AeadDataChannel server(AeadCipher c) {
    return channel(c, true);
  }

  /** The client's view: it encrypts with what the server decrypts with. */
  static AeadDataChannel client(AeadCipher c) {
    return channel(c, false);
  }

  private static AeadDataChannel channel(AeadCipher c, boolean server) {
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
    assertThat(HEX.formatHex(server(AeadCipher.AES_256_GCM).seal(hello)))
        .isEqualTo("4900000500000001f551c60d7949efec3ca9556ca6e9e89303fff95c20");
    assertThat(HEX.formatHex(server(AeadCipher.CHACHA20_POLY1305).seal(hello)))
        .isEqualTo("490000050000000134f7a5a35fcef10392d28840eb884bf37756267ea8");
  }

  @Test
  void roundTripReplayAndTamperingForEveryCipher() {
    for (AeadCipher c : AeadCipher.values()) {
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

  /**
   * A multipath channel (4096-wide window) opens a packet 3000 ids late and reports each packet's
   * id; the default 64-wide window refuses the same packet.
   */
  @Test
  void multipathWindowAcceptsLatePacketsAndReportsPacketIds() {
    DataKeyMaterial m = material();
    AeadCipher c = AeadCipher.AES_256_GCM;
    AeadDataChannel wide =
        new AeadDataChannel(
            c,
            m.serverEncryptKey(c),
            m.serverEncryptImplicitIv(),
            m.serverDecryptKey(c),
            m.serverDecryptImplicitIv(),
            1,
            5,
            4096);
    AeadDataChannel narrow = server(c);
    AeadDataChannel client = client(c);
    byte[] late = client.seal(new byte[] {0x45, 0, 0, 20});
    byte[] last = null;
    for (int i = 0; i < 3000; i++) {
      last = client.seal(new byte[] {0x45, 0, 0, 20});
      assertThat(wide.open(last, 0, last.length, 0).value().packetId()).isEqualTo(i + 2L);
    }
    narrow.open(last, 0, last.length, 0);
    assertThat(narrow.open(late, 0, late.length, 0).drop()).isEqualTo(DropReason.REPLAY_TOO_OLD);
    assertThat(wide.open(late, 0, late.length, 0).value().packetId()).isEqualTo(1L);
    assertThat(wide.open(late, 0, late.length, 0).drop()).isEqualTo(DropReason.REPLAY);
  }

  /**
   * The channel reuses one Cipher per direction: every packet of a long sequence, of many sizes
   * (across the AES block size, the intrinsics' chunk sizes and the reorder buffer's initial size),
   * must equal what a fresh Cipher per packet produces, and must open again after a forged packet
   * failed in between.
   */
  @Test
  void reusedCiphersMatchAFreshCipherPerPacket() throws Exception {
    for (AeadCipher c : AeadCipher.values()) {
      AeadDataChannel client = client(c);
      AeadDataChannel server = server(c);
      DataKeyMaterial m = material();
      java.util.Random random = new java.util.Random(42);
      int[] sizes = {
        0, 1, 15, 16, 17, 63, 64, 65, 255, 256, 1300, 1399, 1400, 1500, 2100, 7681, 9000
      };
      int pid = 0;
      for (int round = 0; round < 3; round++) {
        for (int size : sizes) {
          byte[] plain = new byte[size + 3];
          random.nextBytes(plain);
          byte[] packet = client.seal(plain, 2, size);
          pid++;
          assertThat(packet)
              .as("%s size %d", c, size)
              .isEqualTo(
                  reference(
                      c, m.serverDecryptKey(c), m.serverDecryptImplicitIv(), pid, plain, 2, size));
          byte[] forged = packet.clone();
          forged[forged.length - 1] ^= 1;
          assertThat(server.open(forged, 0, forged.length, 0).drop())
              .isEqualTo(DropReason.DATA_BAD_TAG);
          byte[] framed = new byte[packet.length + 7];
          System.arraycopy(packet, 0, framed, 5, packet.length);
          assertThat(server.open(framed, 5, packet.length, 0).value().plain())
              .as("%s size %d", c, size)
              .isEqualTo(java.util.Arrays.copyOfRange(plain, 2, 2 + size));
        }
      }
    }
  }

  /** The DATA_V2 packet of key id 1, peer 5, built with a new Cipher (the pre-reuse way). */
  private static byte[] reference(
      AeadCipher c, byte[] key, byte[] implicitIv, int pid, byte[] plain, int off, int len)
      throws Exception {
    byte[] aad = {
      0x49, 0, 0, 5, (byte) (pid >>> 24), (byte) (pid >>> 16), (byte) (pid >>> 8), (byte) pid
    };
    byte[] iv = new byte[12];
    System.arraycopy(aad, 4, iv, 0, 4);
    System.arraycopy(implicitIv, 0, iv, 4, 8);
    boolean chacha = c == AeadCipher.CHACHA20_POLY1305;
    javax.crypto.Cipher cipher =
        javax.crypto.Cipher.getInstance(chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding");
    cipher.init(
        javax.crypto.Cipher.ENCRYPT_MODE,
        new javax.crypto.spec.SecretKeySpec(key, chacha ? "ChaCha20" : "AES"),
        chacha
            ? new javax.crypto.spec.IvParameterSpec(iv)
            : new javax.crypto.spec.GCMParameterSpec(128, iv));
    cipher.updateAAD(aad);
    byte[] ctAndTag = cipher.doFinal(plain, off, len);
    byte[] out = new byte[24 + len];
    System.arraycopy(aad, 0, out, 0, 8);
    System.arraycopy(ctAndTag, len, out, 8, 16);
    System.arraycopy(ctAndTag, 0, out, 24, len);
    return out;
  }

  @Test
  void occExitMatchesTheBytesOpenvpnSends() {
    assertThat(HEX.formatHex(DataPayload.occExit()))
        .isEqualTo("287f346bd4ef7a812d56b8d3afc5459c06");
  }
}
