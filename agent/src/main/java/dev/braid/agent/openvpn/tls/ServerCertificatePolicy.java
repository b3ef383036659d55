package dev.braid.agent.openvpn.tls;

import java.util.Objects;

/**
 * What a client demands of the server's certificate beyond a valid chain to its CA: OpenVPN's
 * {@code remote-cert-tls server}, {@code ns-cert-type server}, {@code remote-cert-eku} and {@code
 * verify-x509-name}, checked on the leaf certificate as OpenVPN does.
 *
 * @param remoteCertTlsServer {@code remote-cert-tls server}: the certificate must carry a key usage
 *     extension and the extended key usage "TLS Web Server Authentication" (serverAuth)
 * @param nsCertTypeServer {@code ns-cert-type server}: the certificate must be usable as a TLS
 *     server (extended key usage serverAuth if it has one, and the Netscape SSL-server type if it
 *     has that extension; one of the two must say server)
 * @param remoteCertEku {@code remote-cert-eku}: an extended key usage the certificate must carry,
 *     as a dotted OID or OpenVPN's long name; null for none
 * @param verifyName {@code verify-x509-name}: a name the subject must match; null for none
 * @param verifyNameType how {@code verifyName} is compared
 */
public record ServerCertificatePolicy(
    boolean remoteCertTlsServer,
    boolean nsCertTypeServer,
    String remoteCertEku,
    String verifyName,
    X509NameType verifyNameType) {

  /** How {@code verify-x509-name} compares a name (OpenVPN's three types). */
  public enum X509NameType {
    /**
     * The whole subject, most significant part first, comma-and-space separated ({@code C=US,
     * O=Example, CN=server}), as OpenVPN prints it.
     */
    SUBJECT,
    /** The common name, exactly. */
    NAME,
    /** The common name starts with the given text. */
    NAME_PREFIX
  }

  public ServerCertificatePolicy {
    if (verifyName != null) {
      Objects.requireNonNull(verifyNameType, "verifyNameType");
    }
  }

  /** Nothing beyond a valid chain: what a profile without any of the options gets. */
  public static ServerCertificatePolicy chainOnly() {
    return new ServerCertificatePolicy(false, false, null, null, null);
  }

  /** {@code remote-cert-tls server}, what every profile Braid renders says. */
  public static ServerCertificatePolicy serverEku() {
    return new ServerCertificatePolicy(true, false, null, null, null);
  }
}
