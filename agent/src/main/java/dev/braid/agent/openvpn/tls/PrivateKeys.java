package dev.braid.agent.openvpn.tls;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Reads the unencrypted private key PEM forms found in OpenVPN profiles: PKCS#8 ({@code BEGIN
 * PRIVATE KEY}, what Braid's operator and OpenSSL 3 write), PKCS#1 RSA ({@code BEGIN RSA PRIVATE
 * KEY}) and SEC1 EC ({@code BEGIN EC PRIVATE KEY}, possibly behind an {@code EC PARAMETERS} block),
 * the latter two rewrapped as PKCS#8 so that the JDK reads them without further libraries.
 * Encrypted keys are refused: a site agent has nobody to type a passphrase.
 */
public final class PrivateKeys {
  private static final byte[] RSA_ALGORITHM = // SEQUENCE { OID rsaEncryption, NULL }
      hex("300d06092a864886f70d0101010500");
  private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");

  private PrivateKeys() {}

  /**
   * @param pem the key block (other text around it is ignored)
   * @param certificateKey the public key of the certificate this key belongs to: its algorithm
   *     reads PKCS#8 keys, and its curve completes a SEC1 key that does not name one
   * @throws GeneralSecurityException naming the form found and what is wrong with it
   */
  public static PrivateKey parse(String pem, PublicKey certificateKey)
      throws GeneralSecurityException {
    String algorithm = certificateKey.getAlgorithm();
    if (pem.contains("ENCRYPTED")) {
      throw new GeneralSecurityException(
          "the private key is encrypted; a site agent cannot ask for its passphrase:"
              + " decrypt it (openssl pkey -in key.pem -out plain.pem)");
    }
    byte[] der;
    if ((der = block(pem, "PRIVATE KEY")) != null) {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }
    if ((der = block(pem, "RSA PRIVATE KEY")) != null) {
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(pkcs8(RSA_ALGORITHM, der)));
    }
    if ((der = block(pem, "EC PRIVATE KEY")) != null) {
      byte[] curve = sec1Curve(der);
      byte[] algorithmId =
          curve != null
              ? sequence(concat(EC_PUBLIC_KEY_OID, curve))
              : certificateAlgorithm(certificateKey);
      return KeyFactory.getInstance("EC")
          .generatePrivate(new PKCS8EncodedKeySpec(pkcs8(algorithmId, der)));
    }
    throw new GeneralSecurityException(
        "no private key found: expected a 'BEGIN PRIVATE KEY', 'BEGIN RSA PRIVATE KEY' or"
            + " 'BEGIN EC PRIVATE KEY' block");
  }

  /** The base64 body of {@code -----BEGIN label-----}, or null if absent. */
  private static byte[] block(String pem, String label) throws GeneralSecurityException {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int b = pem.indexOf(begin);
    if (b < 0) {
      return null;
    }
    int e = pem.indexOf(end, b);
    if (e < 0) {
      throw new GeneralSecurityException("'" + begin + "' without '" + end + "'");
    }
    try {
      return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    } catch (IllegalArgumentException ex) {
      throw new GeneralSecurityException(label + " block is not valid base64", ex);
    }
  }

  /** PrivateKeyInfo: SEQUENCE { INTEGER 0, algorithm, OCTET STRING key }. */
  private static byte[] pkcs8(byte[] algorithmId, byte[] key) {
    return sequence(concat(new byte[] {0x02, 0x01, 0x00}, algorithmId, tlv(0x04, key)));
  }

  /**
   * The named-curve OID (whole TLV) in a SEC1 ECPrivateKey's {@code [0] parameters}, or null when
   * it has none: SEQUENCE { INTEGER 1, OCTET STRING key, [0] { OID curve }, [1] public key }.
   */
  private static byte[] sec1Curve(byte[] der) throws GeneralSecurityException {
    Der seq = Der.at(der, 0);
    if (seq.tag != 0x30) {
      throw new GeneralSecurityException("EC PRIVATE KEY is not a DER sequence");
    }
    int pos = seq.contentStart;
    while (pos < seq.end()) {
      Der field = Der.at(der, pos);
      if (field.tag == (byte) 0xA0) {
        Der oid = Der.at(der, field.contentStart);
        if (oid.tag != 0x06) {
          throw new GeneralSecurityException(
              "EC PRIVATE KEY has explicit curve parameters; only named curves are supported");
        }
        return java.util.Arrays.copyOfRange(der, field.contentStart, oid.end());
      }
      pos = field.end();
    }
    return null;
  }

  /** The AlgorithmIdentifier of an EC certificate key (SubjectPublicKeyInfo's first element). */
  private static byte[] certificateAlgorithm(PublicKey key) throws GeneralSecurityException {
    if (!key.getAlgorithm().equals("EC")) {
      throw new GeneralSecurityException(
          "EC PRIVATE KEY names no curve and the certificate's key is "
              + key.getAlgorithm()
              + ": they do not belong together");
    }
    byte[] spki = key.getEncoded();
    Der outer = Der.at(spki, 0);
    Der algorithm = Der.at(spki, outer.contentStart);
    return java.util.Arrays.copyOfRange(spki, outer.contentStart, algorithm.end());
  }

  /** One DER element: tag, where its content starts, content length. */
  private record Der(byte tag, int contentStart, int length) {
    int end() {
      return contentStart + length;
    }

    static Der at(byte[] b, int pos) throws GeneralSecurityException {
      if (pos + 2 > b.length) {
        throw new GeneralSecurityException("truncated DER in private key");
      }
      byte tag = b[pos];
      int len = b[pos + 1] & 0xFF;
      int start = pos + 2;
      if (len > 0x80) {
        int n = len & 0x7F;
        if (n > 3 || start + n > b.length) {
          throw new GeneralSecurityException("bad DER length in private key");
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          len = len << 8 | b[start + i] & 0xFF;
        }
        start += n;
      }
      if (start + len > b.length) {
        throw new GeneralSecurityException("truncated DER in private key");
      }
      return new Der(tag, start, len);
    }
  }

  private static byte[] sequence(byte[] content) {
    return tlv(0x30, content);
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >>> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >>> 16);
      out.write(n >>> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] hex(String s) {
    return java.util.HexFormat.of().parseHex(s);
  }
}
