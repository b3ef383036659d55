package dev.braid.agent.openvpn.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.X509TrustManager;

/**
 * Validates client certificates: PKIX path to one of the configured CAs (signatures, validity), CRL
 * revocation when CRLs are configured, and the clientAuth extended key usage on the leaf.
 */
final class ClientCertificateTrust implements X509TrustManager {
  static final String CLIENT_AUTH_OID = "1.3.6.1.5.5.7.3.2";

  private final List<X509Certificate> cas;
  private final Set<TrustAnchor> anchors;
  private final Collection<X509CRL> crls;

  ClientCertificateTrust(List<X509Certificate> cas, Collection<X509CRL> crls) {
    this.cas = cas;
    this.anchors = cas.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toSet());
    this.crls = crls;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("client sent no certificate");
    }
    X509Certificate leaf = chain[0];
    List<String> eku = leaf.getExtendedKeyUsage();
    if (eku == null || !eku.contains(CLIENT_AUTH_OID)) {
      throw new CertificateException(
          "client certificate "
              + leaf.getSubjectX500Principal()
              + " lacks extended key usage clientAuth");
    }
    try {
      CertificateChains.validate(chain, cas, anchors, crls);
    } catch (GeneralSecurityException e) {
      throw new CertificateException(
          "client certificate " + leaf.getSubjectX500Principal() + " rejected: " + e.getMessage(),
          e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("server-side trust manager does not validate servers");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return cas.toArray(X509Certificate[]::new);
  }
}
