package dev.braid.agent.openvpn.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyExchangeTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] seq(int from, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }

  @Test
  void tls10PrfMatchesOpensslKdf() {
    // openssl kdf -keylen 48 -kdfopt digest:MD5-SHA1 -kdfopt hexsecret:00..2f
    //   -kdfopt hexseed:<"OpenVPN master secret" || 64..a3> TLS1-PRF
    byte[] out =
        DataKeyMaterial.Tls10Prf.derive(seq(0, 48), "OpenVPN master secret", seq(100, 64), 48);
    assertThat(HEX.formatHex(out).toUpperCase())
        .isEqualTo(
            "09F405C10D0AFF3DEB0DEF93A22F90019DAD92257FA8B3CFF08FEAC52940148F"
                + "44AD782DFDFE29AEE9EDDA3B858A8526");
  }

  @Test
  void clientMessageRoundTripsAndExposesPeerInfo() {
    String info =
        "IV_VER=2.6.3\nIV_PLAT=linux\nIV_PROTO=990\nIV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305\n";
    KeyMethod2.ClientMessage m =
        new KeyMethod2.ClientMessage(
            seq(1, 48), seq(2, 32), seq(3, 32), "V4,dev-type tun,tls-client", "", "", info);
    KeyMethod2.Parsed p = KeyMethod2.parseClient(KeyMethod2.clientMessage(m));
    assertThat(p.error()).isNull();
    assertThat(p.message().preMaster()).isEqualTo(seq(1, 48));
    assertThat(p.message().options()).isEqualTo("V4,dev-type tun,tls-client");
    assertThat(p.message().peerInfoMap()).containsEntry("IV_VER", "2.6.3");
    assertThat(p.message().protoFlag(8)).isTrue(); // 990 has TLS key export
    assertThat(p.message().protoFlag(1)).isFalse();
  }

  @Test
  void malformedClientMessagesAreRejectedWithAReason() {
    assertThat(KeyMethod2.parseClient(new byte[10]).error()).contains("truncated");
    byte[] km1 = new byte[200];
    km1[4] = 1;
    assertThat(KeyMethod2.parseClient(km1).error()).contains("key method 1");
    byte[] longOptions = new byte[5 + 48 + 64 + 2];
    longOptions[4] = 2;
    longOptions[5 + 112] = 0x7f;
    assertThat(KeyMethod2.parseClient(longOptions).error()).contains("options");
  }

  @Test
  void serverMessageLayout() {
    byte[] msg = KeyMethod2.serverMessage(seq(0, 32), seq(32, 32), "V4");
    assertThat(HEX.formatHex(msg, 0, 5)).isEqualTo("0000000002");
    assertThat(HEX.formatHex(msg, 69, msg.length))
        .isEqualTo("0003" + "5634" + "00" + "000000000000");
  }

  @Test
  void cipherNegotiationFollowsServerPreference() {
    List<AeadCipher> pref = List.of(AeadCipher.AES_256_GCM, AeadCipher.CHACHA20_POLY1305);
    assertThat(AeadCipher.negotiate(pref, "CHACHA20-POLY1305:AES-256-GCM"))
        .contains(AeadCipher.AES_256_GCM);
    assertThat(AeadCipher.negotiate(pref, "chacha20-poly1305"))
        .contains(AeadCipher.CHACHA20_POLY1305);
    assertThat(AeadCipher.negotiate(pref, "AES-128-CBC:BF-CBC")).isEmpty();
  }
}
