package dev.braid.agent.openvpn.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.agent.openvpn.keys.DataKeyMaterial;
import dev.braid.agent.openvpn.testing.TestPki;
import java.time.Instant;
import java.util.HexFormat;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsPumpTest {
  private static TestPki pki;
  private static TlsServerContext server;

  @BeforeAll
  static void pki() throws Exception {
    pki = new TestPki();
    TestPki.Issued s = pki.server("braid-server");
    server = TlsServerContext.fromPem(s.certPem(), s.keyPem(), pki.ca().certPem(), "");
  }

  static SSLEngine clientEngine(TestPki pki, TestPki.Issued cert, String protocol)
      throws Exception {
    SSLContext ctx = pki.clientContext(cert);
    SSLEngine e = ctx.createSSLEngine();
    e.setUseClientMode(true);
    e.setEnabledProtocols(new String[] {protocol});
    return e;
  }

  /** Shuttles ciphertext chunks between two pumps until neither produces more. */
  static void shuttle(TlsPump a, TlsPump b) {
    for (int round = 0; round < 50; round++) {
      boolean moved = false;
      for (byte[] c : a.takeCiphertext()) {
        b.receiveCiphertext(c);
        moved = true;
      }
      for (byte[] c : b.takeCiphertext()) {
        a.receiveCiphertext(c);
        moved = true;
      }
      if (!moved) {
        return;
      }
    }
  }

  @Test
  void minimumVersionOneThreeRefusesATls12OnlyClient() throws Exception {
    TestPki.Issued s = pki.server("braid-server-13");
    TlsServerContext strict =
        TlsServerContext.fromPem(s.certPem(), s.keyPem(), pki.ca().certPem(), "", "1.3");
    TestPki.Issued alice = pki.client("alice");

    TlsPump old = new TlsPump(clientEngine(pki, alice, "TLSv1.2"), 1100);
    TlsPump refusing = new TlsPump(strict.newEngine(), 1100);
    old.writePlain("key-method-2".getBytes());
    shuttle(old, refusing);
    assertThat(refusing.handshakeComplete()).isFalse();
    assertThat(refusing.failure()).isNotNull();

    TlsPump accepting = new TlsPump(server.newEngine(), 1100); // minimum 1.2: same client is fine
    TlsPump again = new TlsPump(clientEngine(pki, alice, "TLSv1.2"), 1100);
    again.writePlain("key-method-2".getBytes());
    shuttle(again, accepting);
    assertThat(accepting.handshakeComplete()).isTrue();

    TlsPump modern = new TlsPump(clientEngine(pki, alice, "TLSv1.3"), 1100);
    TlsPump strictAgain = new TlsPump(strict.newEngine(), 1100);
    modern.writePlain("key-method-2".getBytes());
    shuttle(modern, strictAgain);
    assertThat(strictAgain.handshakeComplete()).isTrue();
    assertThat(strictAgain.session().getProtocol()).isEqualTo("TLSv1.3");
  }

  @Test
  void unknownMinimumVersionIsRefused() throws Exception {
    TestPki.Issued s = pki.server("braid-server-bad");
    assertThatThrownBy(
            () -> TlsServerContext.fromPem(s.certPem(), s.keyPem(), pki.ca().certPem(), "", "1.1"))
        .hasMessageContaining("1.2 or 1.3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void handshakeCarriesPlaintextAndBothSidesExportTheSameKeys(String protocol) throws Exception {
    TlsPump c = new TlsPump(clientEngine(pki, pki.client("alice"), protocol), 1100);
    TlsPump s = new TlsPump(server.newEngine(), 1100);
    c.writePlain("key-method-2".getBytes());
    shuttle(c, s);
    assertThat(s.handshakeComplete()).isTrue();
    assertThat(c.handshakeComplete()).isTrue();
    assertThat(s.session().getProtocol()).isEqualTo(protocol);
    assertThat(new String(s.takePlain())).isEqualTo("key-method-2");
    s.writePlain("PUSH_REPLY".getBytes());
    shuttle(c, s);
    assertThat(new String(c.takePlain())).isEqualTo("PUSH_REPLY");

    ExtendedSSLSession ss = (ExtendedSSLSession) s.session();
    ExtendedSSLSession cs = (ExtendedSSLSession) c.session();
    byte[] none = ss.exportKeyingMaterialData(DataKeyMaterial.EXPORTER_LABEL, null, 32);
    byte[] empty = ss.exportKeyingMaterialData(DataKeyMaterial.EXPORTER_LABEL, new byte[0], 32);
    assertThat(cs.exportKeyingMaterialData(DataKeyMaterial.EXPORTER_LABEL, null, 32))
        .isEqualTo(none);
    // RFC 5705: TLS 1.2 distinguishes no context from an empty one; TLS 1.3 (RFC 8446 7.5) does not
    if (protocol.equals("TLSv1.2")) {
      assertThat(HexFormat.of().formatHex(none)).isNotEqualTo(HexFormat.of().formatHex(empty));
    } else {
      assertThat(none).isEqualTo(empty);
    }
  }

  @Test
  void chunksFitTheControlPacket() throws Exception {
    TlsPump c = new TlsPump(clientEngine(pki, pki.client("alice"), "TLSv1.3"), 300);
    TlsPump s = new TlsPump(server.newEngine(), 300);
    c.takeCiphertext().forEach(s::receiveCiphertext);
    assertThat(s.takeCiphertext())
        .allSatisfy(chunk -> assertThat(chunk.length).isLessThanOrEqualTo(300));
  }

  @Test
  void clientWithoutCertificateIsRefused() throws Exception {
    TlsPump c = new TlsPump(clientEngine(pki, null, "TLSv1.3"), 1100);
    TlsPump s = new TlsPump(server.newEngine(), 1100);
    shuttle(c, s);
    assertThat(s.handshakeComplete()).isFalse();
    assertThat(s.failure()).isNotNull();
  }

  @Test
  void clientCertificateWithoutClientAuthUsageIsRefused() throws Exception {
    TestPki.Issued serverAuthOnly =
        pki.issue("mallory", KeyPurposeId.id_kp_serverAuth, Instant.now().plusSeconds(3600));
    TlsPump c = new TlsPump(clientEngine(pki, serverAuthOnly, "TLSv1.2"), 1100);
    TlsPump s = new TlsPump(server.newEngine(), 1100);
    shuttle(c, s);
    assertThat(s.handshakeComplete()).isFalse();
    assertThat(s.failure()).hasStackTraceContaining("lacks extended key usage clientAuth");
  }

  @Test
  void clientCertificateFromAnotherCaIsRefused() throws Exception {
    TestPki other = new TestPki();
    TlsPump c = new TlsPump(clientEngine(pki, other.client("eve"), "TLSv1.3"), 1100);
    TlsPump s = new TlsPump(server.newEngine(), 1100);
    shuttle(c, s);
    assertThat(s.handshakeComplete()).isFalse();
    assertThat(s.failure()).hasStackTraceContaining("rejected");
  }

  @Test
  void expiredClientCertificateIsRefused() throws Exception {
    TestPki.Issued expired =
        pki.issue("old", KeyPurposeId.id_kp_clientAuth, Instant.now().minusSeconds(3600));
    TlsPump c = new TlsPump(clientEngine(pki, expired, "TLSv1.3"), 1100);
    TlsPump s = new TlsPump(server.newEngine(), 1100);
    shuttle(c, s);
    assertThat(s.handshakeComplete()).isFalse();
    assertThat(s.failure()).hasStackTraceContaining("rejected");
  }

  @Test
  void revokedClientCertificateIsRefusedWhenACrlIsConfigured() throws Exception {
    TestPki.Issued good = pki.client("good");
    TestPki.Issued revoked = pki.client("revoked");
    TestPki.Issued s = pki.server("braid-server");
    TlsServerContext withCrl =
        TlsServerContext.fromPem(
            s.certPem(), s.keyPem(), pki.ca().certPem(), pki.crlPem(revoked.certificate()));

    TlsPump c1 = new TlsPump(clientEngine(pki, revoked, "TLSv1.3"), 1100);
    TlsPump s1 = new TlsPump(withCrl.newEngine(), 1100);
    shuttle(c1, s1);
    assertThat(s1.handshakeComplete()).isFalse();
    assertThat(s1.failure()).hasStackTraceContaining("revoked");

    TlsPump c2 = new TlsPump(clientEngine(pki, good, "TLSv1.3"), 1100);
    TlsPump s2 = new TlsPump(withCrl.newEngine(), 1100);
    shuttle(c2, s2);
    assertThat(s2.handshakeComplete()).isTrue();
  }
}
