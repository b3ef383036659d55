package dev.braid.agent.openvpn.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * Validates the server's certificate for a client: PKIX path to one of the profile's CAs
 * (signatures, validity), CRL revocation when the profile has CRLs, then the {@link
 * ServerCertificatePolicy} checks on the leaf. No host name check: OpenVPN identifies the server by
 * its CA and these checks, not by the address it dialled.
 */
final class ServerCertificateTrust implements X509TrustManager {
  static final String SERVER_AUTH_OID = "1.3.6.1.5.5.7.3.1";
  private static final String NETSCAPE_CERT_TYPE_OID = "2.16.840.1.113730.1.1";
  private static final int NETSCAPE_SSL_SERVER = 0x40;

  /** OpenVPN accepts an extended key usage by its OpenSSL long name as well as by OID. */
  private static final Map<String, String> EKU_NAMES =
      Map.of(
          "TLS Web Server Authentication", SERVER_AUTH_OID,
          "TLS Web Client Authentication", "1.3.6.1.5.5.7.3.2",
          "Code Signing", "1.3.6.1.5.5.7.3.3",
          "E-mail Protection", "1.3.6.1.5.5.7.3.4",
          "Time Stamping", "1.3.6.1.5.5.7.3.8",
          "OCSP Signing", "1.3.6.1.5.5.7.3.9");

  private final List<X509Certificate> cas;
  private final Set<TrustAnchor> anchors;
  private final Collection<X509CRL> crls;
  private final ServerCertificatePolicy policy;

  ServerCertificateTrust(
      List<X509Certificate> cas, Collection<X509CRL> crls, ServerCertificatePolicy policy) {
    this.cas = cas;
    this.anchors = cas.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toSet());
    this.crls = crls;
    this.policy = policy;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("server sent no certificate");
    }
    X509Certificate leaf = chain[0];
    try {
      CertificateChains.validate(chain, cas, anchors, crls);
    } catch (GeneralSecurityException e) {
      throw new CertificateException(
          "server certificate " + leaf.getSubjectX500Principal() + " rejected: " + e.getMessage(),
          e);
    }
    checkPolicy(leaf, policy);
  }

  /** The {@link ServerCertificatePolicy} checks on the server's leaf certificate. */
  static void checkPolicy(X509Certificate leaf, ServerCertificatePolicy policy)
      throws CertificateException {
    String who = "server certificate " + leaf.getSubjectX500Principal();
    List<String> eku = leaf.getExtendedKeyUsage();
    if (policy.remoteCertTlsServer()) {
      if (leaf.getKeyUsage() == null) {
        throw new CertificateException(
            who + " has no key usage extension (remote-cert-tls server requires one)");
      }
      if (eku == null || !eku.contains(SERVER_AUTH_OID)) {
        throw new CertificateException(
            who
                + " lacks extended key usage TLS Web Server Authentication"
                + " (remote-cert-tls server)");
      }
    }
    if (policy.nsCertTypeServer() && !usableAsTlsServer(leaf, eku)) {
      throw new CertificateException(
          who + " is not a TLS server certificate (ns-cert-type server)");
    }
    if (policy.remoteCertEku() != null) {
      String oid = EKU_NAMES.getOrDefault(policy.remoteCertEku(), policy.remoteCertEku());
      if (eku == null || !eku.contains(oid)) {
        throw new CertificateException(
            who + " lacks extended key usage " + policy.remoteCertEku() + " (remote-cert-eku)");
      }
    }
    if (policy.verifyName() != null && !nameMatches(leaf, policy)) {
      throw new CertificateException(
          who
              + " does not match verify-x509-name '"
              + policy.verifyName()
              + "' ("
              + policy.verifyNameType().name().toLowerCase().replace('_', '-')
              + ")");
    }
  }

  /**
   * OpenSSL's "SSL server" purpose, with OpenVPN's fallback to the Netscape certificate type: an
   * extended key usage, if present, lists serverAuth; a Netscape type, if present, has the SSL
   * server bit; and if the purpose check fails the Netscape SSL server bit alone suffices.
   */
  private static boolean usableAsTlsServer(X509Certificate leaf, List<String> eku) {
    int nsType = netscapeCertType(leaf);
    boolean ekuOk = eku == null || eku.contains(SERVER_AUTH_OID);
    boolean nsOk = nsType < 0 || (nsType & NETSCAPE_SSL_SERVER) != 0;
    return ekuOk && nsOk || nsType >= 0 && (nsType & NETSCAPE_SSL_SERVER) != 0;
  }

  /** The first byte of the Netscape certificate type bit string, or -1 without the extension. */
  private static int netscapeCertType(X509Certificate cert) {
    byte[] ext = cert.getExtensionValue(NETSCAPE_CERT_TYPE_OID);
    // OCTET STRING { BIT STRING { unused-bits, bits... } }: 04 len 03 len unused b0
    if (ext == null || ext.length < 6 || ext[0] != 0x04 || ext[2] != 0x03) {
      return -1;
    }
    return ext[3] < 2 ? 0 : ext[5] & 0xFF;
  }

  private static boolean nameMatches(X509Certificate leaf, ServerCertificatePolicy policy) {
    String want = policy.verifyName();
    return switch (policy.verifyNameType()) {
      case SUBJECT -> openvpnSubject(leaf.getSubjectX500Principal()).equals(want);
      case NAME -> want.equals(commonName(leaf.getSubjectX500Principal()));
      case NAME_PREFIX -> {
        String cn = commonName(leaf.getSubjectX500Principal());
        yield cn != null && cn.startsWith(want);
      }
    };
  }

  /** The subject as OpenVPN prints it: most significant first, {@code ", "} between parts. */
  static String openvpnSubject(X500Principal subject) {
    String rfc2253 =
        subject.getName(X500Principal.RFC2253, Map.of("1.2.840.113549.1.9.1", "emailAddress"));
    try {
      return new LdapName(rfc2253)
          .getRdns().stream().map(Rdn::toString).collect(Collectors.joining(", "));
    } catch (InvalidNameException e) {
      return rfc2253;
    }
  }

  private static String commonName(X500Principal subject) {
    try {
      String cn = null;
      for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cn = rdn.getValue().toString(); // the last one, as OpenVPN takes the innermost
        }
      }
      return cn;
    } catch (InvalidNameException e) {
      return null;
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("client-side trust manager does not validate clients");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return cas.toArray(X509Certificate[]::new);
  }
}
