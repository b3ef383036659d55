package dev.braid.operator.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA with an ECDSA P-256 key that issues server and client certificates and signs CRLs.
 * Certificates are backdated by five minutes to tolerate clock skew between operator and nodes.
 */
public final class CertificateAuthority {
  private static final Duration BACKDATE = Duration.ofMinutes(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final IssuedCertificate ca;

  /** Wraps an existing CA certificate and key. */
  public CertificateAuthority(IssuedCertificate ca) {
    this.ca = ca;
  }

  /** Creates a self-signed CA. */
  public static CertificateAuthority create(String commonName, Duration validity, Instant now) {
    KeyPair pair = newKeyPair();
    X500Name subject = name(commonName);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  serial(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(now.plus(validity)),
                  subject,
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(
          new IssuedCertificate(sign(builder, pair.getPrivate()), pair.getPrivate()));
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("creating CA " + commonName, e);
    }
  }

  /** The CA certificate and key. */
  public IssuedCertificate certificate() {
    return ca;
  }

  /** Issues a server certificate (EKU serverAuth, digitalSignature). */
  public IssuedCertificate issueServer(String commonName, Duration validity, Instant now) {
    return issue(commonName, validity, now, KeyPurposeId.id_kp_serverAuth);
  }

  /** Issues a client certificate (EKU clientAuth, digitalSignature). */
  public IssuedCertificate issueClient(String commonName, Duration validity, Instant now) {
    return issue(commonName, validity, now, KeyPurposeId.id_kp_clientAuth);
  }

  /** True when the certificate carries this CA's signature. */
  public boolean signed(X509Certificate certificate) {
    try {
      certificate.verify(ca.certificate().getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * Signs a CRL listing the given serials with their revocation times; valid until the CA expires
   * so that agents never face an expired CRL between operator runs.
   */
  public X509CRL crl(Map<BigInteger, Instant> revoked, Instant now) {
    try {
      X509v2CRLBuilder builder =
          new X509v2CRLBuilder(
              new X509CertificateHolder(ca.certificate().getEncoded()).getSubject(),
              Date.from(now.minus(BACKDATE)));
      builder.setNextUpdate(ca.certificate().getNotAfter());
      revoked.forEach(
          (serial, when) ->
              builder.addCRLEntry(serial, Date.from(when), CRLReason.cessationOfOperation));
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key());
      return new JcaX509CRLConverter().getCRL(builder.build(signer));
    } catch (GeneralSecurityException | java.io.IOException | OperatorCreationException e) {
      throw new IllegalStateException("signing CRL", e);
    }
  }

  private IssuedCertificate issue(
      String commonName, Duration validity, Instant now, KeyPurposeId purpose) {
    KeyPair pair = newKeyPair();
    Instant notAfter = now.plus(validity);
    if (notAfter.isAfter(ca.certificate().getNotAfter().toInstant())) {
      notAfter = ca.certificate().getNotAfter().toInstant();
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  ca.certificate(),
                  serial(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(notAfter),
                  new X500Principal("CN=" + commonName),
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  ext.createAuthorityKeyIdentifier(ca.certificate()))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new IssuedCertificate(sign(builder, ca.key()), pair.getPrivate());
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("issuing certificate for " + commonName, e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
      return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("no ECDSA signer", e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no EC P-256 key generator", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).setBit(126);
  }

  private static X500Name name(String commonName) {
    return new X500Name("CN=" + commonName);
  }
}
