package dev.braid.agent.openvpn.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * What the server and the client TLS contexts share: reading CRLs, validating a peer's chain
 * against the configured CAs (with CRLs when there are any), and key managers for our own chain.
 */
final class CertificateChains {
  private CertificateChains() {}

  /**
   * PKIX validation of {@code chain} (leaf first; any CA certificate the peer included is left out)
   * against {@code anchors}, checking revocation when {@code crls} is not empty.
   */
  static void validate(
      X509Certificate[] chain,
      List<X509Certificate> cas,
      Set<TrustAnchor> anchors,
      Collection<X509CRL> crls)
      throws GeneralSecurityException {
    PKIXParameters params = new PKIXParameters(anchors);
    params.setRevocationEnabled(!crls.isEmpty());
    if (!crls.isEmpty()) {
      params.addCertStore(
          CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
    }
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    CertPathValidator.getInstance("PKIX")
        .validate(
            cf.generateCertPath(Arrays.stream(chain).filter(c -> !cas.contains(c)).toList()),
            params);
  }

  /**
   * The CRLs in {@code pem} (none when blank), each verified against one of {@code cas}: a CRL that
   * does not verify would make every certificate of its issuer fail, so it is refused here.
   */
  static List<X509CRL> crls(CertificateFactory cf, String pem, List<X509Certificate> cas)
      throws GeneralSecurityException {
    List<X509CRL> crls =
        pem.isBlank()
            ? List.of()
            : cf
                .generateCRLs(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                .stream()
                .map(X509CRL.class::cast)
                .toList();
    for (X509CRL crl : crls) {
      verifiedByACa(crl, cas);
    }
    return crls;
  }

  private static void verifiedByACa(X509CRL crl, List<X509Certificate> cas)
      throws GeneralSecurityException {
    for (X509Certificate ca : cas) {
      if (ca.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
        try {
          crl.verify(ca.getPublicKey());
          return;
        } catch (GeneralSecurityException e) {
          // another CA may carry the same name (a renewed CA): try it before giving up
        }
      }
    }
    throw new GeneralSecurityException(
        "CRL issued by " + crl.getIssuerX500Principal() + " is not signed by a configured CA");
  }

  /** Key managers presenting {@code chain} (leaf first) with {@code key}. */
  static KeyManager[] keyManagers(PrivateKey key, List<X509Certificate> chain)
      throws GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try {
      ks.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException("empty key store", e);
    }
    char[] pw = new char[0];
    ks.setKeyEntry("own", key, pw, chain.toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, pw);
    return kmf.getKeyManagers();
  }
}
