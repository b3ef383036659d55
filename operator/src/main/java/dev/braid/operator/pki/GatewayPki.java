package dev.braid.operator.pki;

import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The contents of a gateway's PKI Secret and the rules for keeping it: reuse whatever is still
 * valid, renew the server certificate once two thirds of its lifetime have passed, recreate
 * everything only when the CA itself is missing, broken or near its end.
 */
public final class GatewayPki {
  /** CA certificate (PEM); agents and profiles use it. */
  public static final String CA_CRT = "ca.crt";

  /** CA private key (PEM); never mounted into agent pods. */
  public static final String CA_KEY = "ca.key";

  /** Server certificate (PEM). */
  public static final String TLS_CRT = "tls.crt";

  /** Server private key (PEM). */
  public static final String TLS_KEY = "tls.key";

  /** OpenVPN static key V1 for tls-crypt or tls-auth. */
  public static final String TA_KEY = "ta.key";

  /** CRL (PEM) listing revoked client certificates. */
  public static final String CRL = "crl.pem";

  /** Lifetime of a generated CA. */
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);

  /** Lifetime of a generated server certificate. */
  public static final Duration SERVER_VALIDITY = Duration.ofDays(365);

  private GatewayPki() {}

  /**
   * What the PKI Secret should hold now: {@code existing} itself when nothing needs to change, so
   * that reconciling again writes nothing.
   *
   * @param existing current Secret data as text (empty when there is no Secret)
   * @param gateway gateway name, used in certificate names
   */
  public static Map<String, String> ensure(
      Map<String, String> existing, String gateway, Instant now) {
    Map<String, String> data = new TreeMap<>(existing);
    CertificateAuthority ca = usableCa(existing, now);
    if (ca == null) {
      ca = CertificateAuthority.create("braid-" + gateway + "-ca", CA_VALIDITY, now);
      data.clear();
      data.put(CA_CRT, ca.certificate().certificatePem());
      data.put(CA_KEY, ca.certificate().keyPem());
    }
    if (!serverUsable(data, ca, now)) {
      IssuedCertificate server = ca.issueServer("braid-" + gateway, SERVER_VALIDITY, now);
      data.put(TLS_CRT, server.certificatePem());
      data.put(TLS_KEY, server.keyPem());
    }
    if (!StaticKeyFile.isValid(data.get(TA_KEY))) {
      data.put(TA_KEY, StaticKeyFile.generate());
    }
    if (!crlUsable(data.get(CRL), ca)) {
      data.put(CRL, Pem.write(ca.crl(Map.of(), now)));
    }
    return data;
  }

  /**
   * The CRL after adding one serial, keeping earlier entries; {@code data} must hold a usable CA.
   */
  public static String revoke(Map<String, String> data, BigInteger serial, Instant now) {
    CertificateAuthority ca = authority(data);
    Map<BigInteger, Instant> revoked = new LinkedHashMap<>(revokedSerials(data.get(CRL)));
    revoked.putIfAbsent(serial, now);
    return Pem.write(ca.crl(revoked, now));
  }

  /** Serials listed in a CRL with their revocation times; empty for no or unreadable CRL. */
  public static Map<BigInteger, Instant> revokedSerials(String crlPem) {
    Map<BigInteger, Instant> out = new LinkedHashMap<>();
    if (crlPem == null || crlPem.isBlank()) {
      return out;
    }
    X509CRL crl = Pem.readCrl(crlPem);
    if (crl.getRevokedCertificates() != null) {
      for (X509CRLEntry entry : crl.getRevokedCertificates()) {
        out.put(entry.getSerialNumber(), entry.getRevocationDate().toInstant());
      }
    }
    return out;
  }

  /** The CA held in Secret data. */
  public static CertificateAuthority authority(Map<String, String> data) {
    return new CertificateAuthority(
        new IssuedCertificate(
            Pem.readCertificate(data.get(CA_CRT)), Pem.readKey(data.get(CA_KEY))));
  }

  /** True once two thirds of the certificate's lifetime have passed (or it is not yet valid). */
  public static boolean needsRenewal(X509Certificate certificate, Instant now) {
    Instant from = certificate.getNotBefore().toInstant();
    Instant to = certificate.getNotAfter().toInstant();
    Duration life = Duration.between(from, to);
    return now.isBefore(from) || now.isAfter(from.plus(life.multipliedBy(2).dividedBy(3)));
  }

  private static CertificateAuthority usableCa(Map<String, String> data, Instant now) {
    if (!data.containsKey(CA_CRT) || !data.containsKey(CA_KEY)) {
      return null;
    }
    try {
      CertificateAuthority ca = authority(data);
      return needsRenewal(ca.certificate().certificate(), now) ? null : ca;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean serverUsable(
      Map<String, String> data, CertificateAuthority ca, Instant now) {
    try {
      X509Certificate server = Pem.readCertificate(data.get(TLS_CRT));
      Pem.readKey(data.get(TLS_KEY));
      return ca.signed(server) && !needsRenewal(server, now);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean crlUsable(String crlPem, CertificateAuthority ca) {
    try {
      Pem.readCrl(crlPem).verify(ca.certificate().certificate().getPublicKey());
      return true;
    } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
      return false;
    }
  }
}
