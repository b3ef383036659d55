package dev.braid.operator.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM text to and from JCA objects. Parse failures become {@link IllegalArgumentException}. */
public final class Pem {
  private Pem() {}

  /** A certificate or CRL as PEM. */
  public static String write(Object certificateOrCrl) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(certificateOrCrl);
    } catch (IOException e) {
      throw new UncheckedIOException("writing PEM to memory", e);
    }
    return out.toString();
  }

  /** A private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
  public static String writeKey(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new UncheckedIOException("writing PEM to memory", e);
    }
    return out.toString();
  }

  /** The first certificate in the text. */
  public static X509Certificate readCertificate(String pem) {
    Object o = readObject(pem, "certificate");
    if (!(o instanceof X509CertificateHolder holder)) {
      throw new IllegalArgumentException("PEM holds " + kind(o) + ", not a certificate");
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("certificate cannot be decoded: " + e.getMessage(), e);
    }
  }

  /** The private key in the text (PKCS#8, or a traditional EC/RSA key pair). */
  public static PrivateKey readKey(String pem) {
    Object o = readObject(pem, "private key");
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("private key cannot be decoded: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("PEM holds " + kind(o) + ", not a private key");
  }

  /** The CRL in the text. */
  public static X509CRL readCrl(String pem) {
    Object o = readObject(pem, "CRL");
    if (!(o instanceof X509CRLHolder holder)) {
      throw new IllegalArgumentException("PEM holds " + kind(o) + ", not a CRL");
    }
    try {
      return new JcaX509CRLConverter().getCRL(holder);
    } catch (java.security.cert.CRLException e) {
      throw new IllegalArgumentException("CRL cannot be decoded: " + e.getMessage(), e);
    }
  }

  private static Object readObject(String pem, String what) {
    if (pem == null || pem.isBlank()) {
      throw new IllegalArgumentException("no PEM " + what + " (empty)");
    }
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (o == null) {
        throw new IllegalArgumentException("no PEM " + what + " found");
      }
      return o;
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed PEM " + what + ": " + e.getMessage(), e);
    }
  }

  private static String kind(Object o) {
    return o.getClass().getSimpleName();
  }
}
