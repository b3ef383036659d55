package dev.braid.agent.openvpn.testing;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for tests: an EC CA issuing server (serverAuth) and client (clientAuth)
 * certificates.
 */
public final class TestPki {
  /** A certificate with its key, as PEM. */
  public record Issued(X509Certificate certificate, KeyPair keys, String certPem, String keyPem) {}

  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());
  private final Issued ca;

  public TestPki() throws GeneralSecurityException, java.io.IOException {
    KeyPair k = ecKeys();
    X509Certificate cert =
        sign(
            new JcaX509v3CertificateBuilder(
                    new X500Name("CN=braid-test-ca"),
                    serial(),
                    Date.from(Instant.now().minus(Duration.ofHours(1))),
                    Date.from(Instant.now().plus(Duration.ofDays(2))),
                    new X500Name("CN=braid-test-ca"),
                    k.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
            k);
    this.ca = new Issued(cert, k, pem(cert), pem(k.getPrivate()));
  }

  public Issued ca() {
    return ca;
  }

  public Issued server(String cn) throws GeneralSecurityException {
    return issue(cn, KeyPurposeId.id_kp_serverAuth, Instant.now().plus(Duration.ofDays(1)));
  }

  public Issued client(String cn) throws GeneralSecurityException {
    return issue(cn, KeyPurposeId.id_kp_clientAuth, Instant.now().plus(Duration.ofDays(1)));
  }

  /** A certificate with the given EKU and expiry, for negative tests. */
  public Issued issue(String cn, KeyPurposeId eku, Instant notAfter)
      throws GeneralSecurityException {
    KeyPair k = ecKeys();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            ca.certificate(),
            serial(),
            Date.from(Instant.now().minus(Duration.ofHours(2))),
            Date.from(notAfter),
            new X500Name("CN=" + cn),
            k.getPublic());
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(
              Extension.keyUsage,
              true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
    X509Certificate cert = sign(b, ca.keys());
    return new Issued(cert, k, pem(cert), pem(k.getPrivate()));
  }

  /** A client TLS context presenting {@code cert} (none if null) and trusting this CA. */
  public javax.net.ssl.SSLContext clientContext(Issued cert) throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    if (cert != null) {
      ks.setKeyEntry(
          "c", cert.keys().getPrivate(), new char[0], new X509Certificate[] {cert.certificate()});
    }
    ks.setCertificateEntry("ca", ca.certificate());
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, new char[0]);
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
    tmf.init(ks);
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  /** A CRL from this CA revoking {@code revoked}, as PEM. */
  public String crlPem(X509Certificate... revoked) throws Exception {
    org.bouncycastle.cert.X509v2CRLBuilder b =
        new org.bouncycastle.cert.X509v2CRLBuilder(
            new X500Name(ca.certificate().getSubjectX500Principal().getName()),
            Date.from(Instant.now().minus(Duration.ofMinutes(5))));
    b.setNextUpdate(Date.from(Instant.now().plus(Duration.ofDays(1))));
    for (X509Certificate c : revoked) {
      b.addCRLEntry(c.getSerialNumber(), Date.from(Instant.now().minus(Duration.ofMinutes(1))), 0);
    }
    var holder =
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.keys().getPrivate()));
    return pem(new org.bouncycastle.cert.jcajce.JcaX509CRLConverter().getCRL(holder));
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** PEM of a certificate or a private key (keys as PKCS#8 "PRIVATE KEY"). */
  public static String pem(Object o) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(
          o instanceof java.security.PrivateKey k
              ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null)
              : o);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return w.toString();
  }
}
