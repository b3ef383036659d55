package dev.braid.operator.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayPkiTest {
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

  @Test
  void generatesACompletePkiOnce() throws Exception {
    Map<String, String> first = GatewayPki.ensure(Map.of(), "edge", NOW);

    assertThat(first)
        .containsOnlyKeys(
            GatewayPki.CA_CRT,
            GatewayPki.CA_KEY,
            GatewayPki.TLS_CRT,
            GatewayPki.TLS_KEY,
            GatewayPki.TA_KEY,
            GatewayPki.CRL);
    X509Certificate server = Pem.readCertificate(first.get(GatewayPki.TLS_CRT));
    assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(GatewayPki.authority(first).signed(server)).isTrue();
    assertThat(GatewayPki.ensure(first, "edge", NOW.plus(Duration.ofDays(30))))
        .as("nothing is regenerated while it is valid")
        .isEqualTo(first);
  }

  @Test
  void renewsTheServerCertificateBeforeExpiryAndKeepsTheCa() {
    Map<String, String> first = GatewayPki.ensure(Map.of(), "edge", NOW);
    Instant late = NOW.plus(GatewayPki.SERVER_VALIDITY.multipliedBy(3).dividedBy(4));

    Map<String, String> renewed = GatewayPki.ensure(first, "edge", late);

    assertThat(renewed.get(GatewayPki.CA_CRT)).isEqualTo(first.get(GatewayPki.CA_CRT));
    assertThat(renewed.get(GatewayPki.TA_KEY)).isEqualTo(first.get(GatewayPki.TA_KEY));
    assertThat(renewed.get(GatewayPki.TLS_CRT)).isNotEqualTo(first.get(GatewayPki.TLS_CRT));
    assertThat(Pem.readCertificate(renewed.get(GatewayPki.TLS_CRT)).getNotAfter().toInstant())
        .isAfter(late.plus(Duration.ofDays(300)));
  }

  @Test
  void replacesBrokenMaterial() {
    Map<String, String> first = new java.util.TreeMap<>(GatewayPki.ensure(Map.of(), "edge", NOW));
    first.put(GatewayPki.TLS_KEY, "garbage");
    first.put(GatewayPki.TA_KEY, "-----BEGIN OpenVPN Static key V1-----\nabc\n");

    Map<String, String> fixed = GatewayPki.ensure(first, "edge", NOW);

    assertThat(fixed.get(GatewayPki.CA_CRT)).isEqualTo(first.get(GatewayPki.CA_CRT));
    assertThat(StaticKeyFile.isValid(fixed.get(GatewayPki.TA_KEY))).isTrue();
    Pem.readKey(fixed.get(GatewayPki.TLS_KEY));
  }

  @Test
  void revocationAccumulatesInTheCrl() {
    Map<String, String> pki = new java.util.TreeMap<>(GatewayPki.ensure(Map.of(), "edge", NOW));
    IssuedCertificate a = GatewayPki.authority(pki).issueClient("a", Duration.ofDays(10), NOW);
    IssuedCertificate b = GatewayPki.authority(pki).issueClient("b", Duration.ofDays(10), NOW);

    pki.put(GatewayPki.CRL, GatewayPki.revoke(pki, a.certificate().getSerialNumber(), NOW));
    pki.put(GatewayPki.CRL, GatewayPki.revoke(pki, b.certificate().getSerialNumber(), NOW));

    assertThat(GatewayPki.revokedSerials(pki.get(GatewayPki.CRL)).keySet())
        .containsExactlyInAnyOrder(
            a.certificate().getSerialNumber(), b.certificate().getSerialNumber());
    assertThat(GatewayPki.ensure(pki, "edge", NOW).get(GatewayPki.CRL))
        .as("a valid CRL is kept")
        .isEqualTo(pki.get(GatewayPki.CRL));
    assertThat(GatewayPki.revokedSerials(pki.get(GatewayPki.CRL)))
        .doesNotContainKey(BigInteger.ONE);
  }

  @Test
  void clientCertificatesCarryClientAuthAndNeverOutliveTheCa() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("ca", Duration.ofDays(10), NOW);
    IssuedCertificate client = ca.issueClient("alice", Duration.ofDays(365), NOW);

    assertThat(client.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(client.certificate().getNotAfter())
        .isEqualTo(ca.certificate().certificate().getNotAfter());
    assertThat(Pem.readKey(client.keyPem())).isEqualTo(client.key());
  }
}
