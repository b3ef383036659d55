package dev.braid.agent.openvpn.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * A client's TLS configuration from the PEM material of an OpenVPN profile: its certificate (and
 * intermediates), key, the CA it trusts the server by, optional CRLs, the {@link
 * ServerCertificatePolicy} and the TLS version range. Engines it creates are in client mode and
 * present the certificate when the server asks for one from a CA it names (the JDK's key manager
 * sends none otherwise, where OpenSSL sends it anyway: the server then reports a missing
 * certificate rather than an untrusted one; either way it refuses). Thread-safe.
 */
public final class TlsClientContext {
  private final SSLContext context;
  private final String[] protocols;

  private TlsClientContext(SSLContext context, String[] protocols) {
    this.context = context;
    this.protocols = protocols;
  }

  /**
   * @param certChainPem client certificate (first) and any intermediates ({@code <cert>} and {@code
   *     <extra-certs>})
   * @param keyPem the client key, see {@link PrivateKeys}
   * @param caPem CA certificates the server's chain must lead to
   * @param crlPem CRLs the server's certificate is checked against; empty for none
   * @param policy further demands on the server's certificate
   * @param minVersion lowest TLS version, {@code 1.2} or {@code 1.3} ({@code tls-version-min})
   * @param maxVersion highest TLS version, {@code 1.2} or {@code 1.3} ({@code tls-version-max})
   * @throws GeneralSecurityException naming the piece of material that is wrong
   */
  public static TlsClientContext fromPem(
      String certChainPem,
      String keyPem,
      String caPem,
      String crlPem,
      ServerCertificatePolicy policy,
      String minVersion,
      String maxVersion)
      throws GeneralSecurityException {
    List<String> versions = new ArrayList<>();
    for (String v : List.of("1.3", "1.2")) {
      if (v.compareTo(minVersion) >= 0 && v.compareTo(maxVersion) <= 0) {
        versions.add("TLSv" + v);
      }
    }
    if (!List.of("1.2", "1.3").contains(minVersion)
        || !List.of("1.2", "1.3").contains(maxVersion)
        || versions.isEmpty()) {
      throw new GeneralSecurityException(
          "TLS versions " + minVersion + ".." + maxVersion + ": Braid speaks TLS 1.2 and 1.3");
    }
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> chain = certificates(cf, certChainPem, "client certificate");
    List<X509Certificate> cas = certificates(cf, caPem, "CA");
    List<X509CRL> crls = CertificateChains.crls(cf, crlPem, cas);
    PrivateKey key = PrivateKeys.parse(keyPem, chain.getFirst().getPublicKey());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        CertificateChains.keyManagers(key, chain),
        new ServerCertificateTrust[] {new ServerCertificateTrust(cas, crls, policy)},
        null);
    return new TlsClientContext(ctx, versions.toArray(String[]::new));
  }

  /** A client engine for one key negotiation. */
  public SSLEngine newEngine() {
    SSLEngine e = context.createSSLEngine();
    e.setUseClientMode(true);
    SSLParameters p = e.getSSLParameters();
    p.setProtocols(protocols.clone());
    e.setSSLParameters(p);
    return e;
  }

  private static List<X509Certificate> certificates(CertificateFactory cf, String pem, String what)
      throws GeneralSecurityException {
    List<X509Certificate> certs = TlsServerContext.certificates(cf, pem);
    if (certs.isEmpty()) {
      throw new GeneralSecurityException(what + " PEM holds no certificate");
    }
    return certs;
  }
}
