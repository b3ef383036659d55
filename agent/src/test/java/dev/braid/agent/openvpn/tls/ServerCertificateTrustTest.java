package dev.braid.agent.openvpn.tls;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.agent.openvpn.testing.TestPki;
import dev.braid.agent.openvpn.tls.ServerCertificatePolicy.X509NameType;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.misc.MiscObjectIdentifiers;
import org.bouncycastle.asn1.misc.NetscapeCertType;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the client demands of a server certificate, as OpenVPN's options say. */
class ServerCertificateTrustTest {
  private static TestPki pki;
  private static X509Certificate server;
  private static X509Certificate client;

  @BeforeAll
  static void pki() throws Exception {
    pki = new TestPki();
    server = pki.server("braid-hub").certificate();
    client = pki.client("alice").certificate();
  }

  static ServerCertificatePolicy policy(
      boolean tls, boolean ns, String eku, String name, X509NameType type) {
    return new ServerCertificatePolicy(tls, ns, eku, name, type);
  }

  @Test
  void remoteCertTlsServerNeedsServerAuthAndAKeyUsage() throws Exception {
    ServerCertificatePolicy p = ServerCertificatePolicy.serverEku();
    assertThatCode(() -> ServerCertificateTrust.checkPolicy(server, p)).doesNotThrowAnyException();
    assertThatThrownBy(() -> ServerCertificateTrust.checkPolicy(client, p))
        .hasMessage(
            "server certificate CN=alice lacks extended key usage TLS Web Server Authentication"
                + " (remote-cert-tls server)");
    X509Certificate noKeyUsage = build("CN=odd", KeyPurposeId.id_kp_serverAuth, false);
    assertThatThrownBy(() -> ServerCertificateTrust.checkPolicy(noKeyUsage, p))
        .hasMessageContaining("has no key usage extension");
    assertThatCode(
            () -> ServerCertificateTrust.checkPolicy(client, ServerCertificatePolicy.chainOnly()))
        .doesNotThrowAnyException();
  }

  @Test
  void nsCertTypeServerAcceptsServerAuthOrTheNetscapeServerBit() throws Exception {
    ServerCertificatePolicy p = policy(false, true, null, null, null);
    assertThatCode(() -> ServerCertificateTrust.checkPolicy(server, p)).doesNotThrowAnyException();
    assertThatThrownBy(() -> ServerCertificateTrust.checkPolicy(client, p))
        .hasMessageContaining("(ns-cert-type server)");
    X509Certificate netscape = build("CN=legacy", null, true);
    assertThatCode(() -> ServerCertificateTrust.checkPolicy(netscape, p))
        .doesNotThrowAnyException();
  }

  @Test
  void remoteCertEkuByOidOrByOpenVpnsName() {
    assertThatCode(
            () ->
                ServerCertificateTrust.checkPolicy(
                    server, policy(false, false, "TLS Web Server Authentication", null, null)))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                ServerCertificateTrust.checkPolicy(
                    server, policy(false, false, "1.3.6.1.5.5.7.3.1", null, null)))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                ServerCertificateTrust.checkPolicy(
                    server, policy(false, false, "Code Signing", null, null)))
        .hasMessageContaining("lacks extended key usage Code Signing (remote-cert-eku)");
  }

  @Test
  void verifyX509NameBySubjectNameOrPrefix() throws Exception {
    X509Certificate multi =
        build("C=DE,O=Example Corp,CN=hub-1", KeyPurposeId.id_kp_serverAuth, false);
    assertThatCode(
            () ->
                ServerCertificateTrust.checkPolicy(
                    multi,
                    policy(
                        false,
                        false,
                        null,
                        "C=DE, O=Example Corp, CN=hub-1",
                        X509NameType.SUBJECT)))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                ServerCertificateTrust.checkPolicy(
                    multi, policy(false, false, null, "hub-1", X509NameType.NAME)))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                ServerCertificateTrust.checkPolicy(
                    multi, policy(false, false, null, "hub-", X509NameType.NAME_PREFIX)))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                ServerCertificateTrust.checkPolicy(
                    multi, policy(false, false, null, "hub", X509NameType.NAME)))
        .hasMessageContaining("does not match verify-x509-name 'hub' (name)");
  }

  @Test
  void aServerChainFromAnotherCaIsRejected() throws Exception {
    TestPki other = new TestPki();
    ServerCertificateTrust trust =
        new ServerCertificateTrust(
            List.of(pki.ca().certificate()), List.of(), ServerCertificatePolicy.serverEku());
    X509Certificate foreign = other.server("evil-hub").certificate();
    assertThatThrownBy(() -> trust.checkServerTrusted(new X509Certificate[] {foreign}, "EC"))
        .hasMessageStartingWith("server certificate CN=evil-hub rejected:");
    assertThatCode(() -> trust.checkServerTrusted(new X509Certificate[] {server}, "EC"))
        .doesNotThrowAnyException();
  }

  /** A certificate from the test CA with the given EKU (or none) and optionally no key usage. */
  private static X509Certificate build(String subject, KeyPurposeId eku, boolean netscapeServer)
      throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair k = g.generateKeyPair();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            pki.ca().certificate(),
            BigInteger.valueOf(System.nanoTime()),
            Date.from(Instant.now().minus(Duration.ofHours(1))),
            Date.from(Instant.now().plus(Duration.ofDays(1))),
            new X500Name(subject),
            k.getPublic());
    if (eku != null) {
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
    }
    if (netscapeServer) {
      b.addExtension(
          MiscObjectIdentifiers.netscapeCertType,
          false,
          new NetscapeCertType(NetscapeCertType.sslServer));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(
                new JcaContentSignerBuilder("SHA256withECDSA")
                    .build(pki.ca().keys().getPrivate())));
  }
}
