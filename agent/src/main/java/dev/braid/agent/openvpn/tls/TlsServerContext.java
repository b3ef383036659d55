package dev.braid.agent.openvpn.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The server's TLS configuration built from PEM material: certificate chain and PKCS#8 key, the
 * client CA and optional CRLs. Engines it creates demand a client certificate and speak TLS 1.3
 * and, unless the minimum version is 1.3, TLS 1.2. Thread-safe.
 */
public final class TlsServerContext {
  private final SSLContext context;
  private final List<X509CRL> crls;
  private final String[] protocols;

  private TlsServerContext(SSLContext context, List<X509CRL> crls, String[] protocols) {
    this.context = context;
    this.crls = crls;
    this.protocols = protocols;
  }

  /** {@link #fromPem(String, String, String, String, String)} with TLS 1.2 as the minimum. */
  public static TlsServerContext fromPem(
      String certChainPem, String keyPem, String caPem, String crlPem)
      throws GeneralSecurityException {
    return fromPem(certChainPem, keyPem, caPem, crlPem, "1.2");
  }

  /**
   * @param certChainPem server certificate (first) and intermediates
   * @param keyPem PKCS#8 "PRIVATE KEY" (RSA or EC)
   * @param caPem trusted client CA certificates
   * @param crlPem CRLs to check client certificates against; empty for no revocation checking. Each
   *     must be signed by one of the CAs: a CRL that does not verify would make every client
   *     certificate of its issuer fail, so it is refused here instead.
   * @param minVersion lowest TLS version accepted, {@code 1.2} or {@code 1.3} (OpenVPN's {@code
   *     tls-version-min})
   */
  public static TlsServerContext fromPem(
      String certChainPem, String keyPem, String caPem, String crlPem, String minVersion)
      throws GeneralSecurityException {
    String[] protocols =
        switch (minVersion) {
          case "1.2" -> new String[] {"TLSv1.3", "TLSv1.2"};
          case "1.3" -> new String[] {"TLSv1.3"};
          default ->
              throw new GeneralSecurityException(
                  "tls.minVersion must be 1.2 or 1.3, not " + minVersion);
        };
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> chain = certificates(cf, certChainPem);
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("server certificate PEM holds no certificate");
    }
    List<X509Certificate> cas = certificates(cf, caPem);
    if (cas.isEmpty()) {
      throw new GeneralSecurityException("CA PEM holds no certificate");
    }
    List<X509CRL> crls = CertificateChains.crls(cf, crlPem, cas);
    PrivateKey key = privateKey(keyPem, chain.getFirst().getPublicKey().getAlgorithm());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        CertificateChains.keyManagers(key, chain),
        new ClientCertificateTrust[] {new ClientCertificateTrust(cas, crls)},
        null);
    return new TlsServerContext(ctx, crls, protocols);
  }

  /**
   * Whether a CRL of this context lists {@code certificate} (matched by issuer and serial): how
   * sessions established before a new CRL arrived are found and cut off.
   */
  public boolean isRevoked(X509Certificate certificate) {
    for (X509CRL crl : crls) {
      if (crl.getIssuerX500Principal().equals(certificate.getIssuerX500Principal())
          && crl.isRevoked(certificate)) {
        return true;
      }
    }
    return false;
  }

  /** A server engine requiring a client certificate. */
  public SSLEngine newEngine() {
    SSLEngine e = context.createSSLEngine();
    e.setUseClientMode(false);
    SSLParameters p = e.getSSLParameters();
    p.setNeedClientAuth(true);
    p.setProtocols(protocols.clone());
    e.setSSLParameters(p);
    return e;
  }

  static List<X509Certificate> certificates(CertificateFactory cf, String pem)
      throws GeneralSecurityException {
    return cf
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
        .stream()
        .map(X509Certificate.class::cast)
        .toList();
  }

  private static PrivateKey privateKey(String pem, String algorithm)
      throws GeneralSecurityException {
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new GeneralSecurityException(
          "key PEM: expected a PKCS#8 '-----BEGIN PRIVATE KEY-----' block");
    }
    String b64 = pem.substring(begin + 27, end).replaceAll("\\s", "");
    return KeyFactory.getInstance(algorithm)
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
  }
}
