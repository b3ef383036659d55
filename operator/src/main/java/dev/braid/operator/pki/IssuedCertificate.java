package dev.braid.operator.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A certificate and its private key.
 *
 * @param certificate the certificate
 * @param key its private key
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey key) {
  /** The certificate as PEM. */
  public String certificatePem() {
    return Pem.write(certificate);
  }

  /** The key as PKCS#8 PEM. */
  public String keyPem() {
    return Pem.writeKey(key);
  }

  /** Serial number, lower-case hexadecimal. */
  public String serialHex() {
    return certificate.getSerialNumber().toString(16);
  }
}
