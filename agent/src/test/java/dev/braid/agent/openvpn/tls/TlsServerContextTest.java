package dev.braid.agent.openvpn.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.agent.openvpn.testing.TestPki;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;

class TlsServerContextTest {
  @Test
  void revocationIsAnsweredFromTheCrlByIssuerAndSerial() throws Exception {
    TestPki pki = new TestPki();
    TestPki.Issued server = pki.server("gw");
    TestPki.Issued alice = pki.client("alice");
    TestPki.Issued bob = pki.client("bob");
    TestPki.Issued stranger = new TestPki().client("bob"); // same name, other CA and serial

    TlsServerContext ctx =
        TlsServerContext.fromPem(
            server.certPem(), server.keyPem(), pki.ca().certPem(), pki.crlPem(bob.certificate()));

    assertThat(ctx.isRevoked(bob.certificate())).isTrue();
    assertThat(ctx.isRevoked(alice.certificate())).isFalse();
    assertThat(ctx.isRevoked(stranger.certificate())).isFalse();
    TlsServerContext noCrl =
        TlsServerContext.fromPem(server.certPem(), server.keyPem(), pki.ca().certPem(), "");
    assertThat(noCrl.isRevoked(bob.certificate())).isFalse();
  }

  @Test
  void crlNotSignedByAConfiguredCaIsRefused() throws Exception {
    TestPki pki = new TestPki();
    TestPki.Issued server = pki.server("gw");
    String foreignCrl = new TestPki().crlPem();

    assertThatThrownBy(
            () ->
                TlsServerContext.fromPem(
                    server.certPem(), server.keyPem(), pki.ca().certPem(), foreignCrl))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageStartingWith("CRL issued by CN=")
        .hasMessageEndingWith("is not signed by a configured CA");
  }
}
