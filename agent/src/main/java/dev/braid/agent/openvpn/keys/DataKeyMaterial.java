package dev.braid.agent.openvpn.keys;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLException;

/**
 * The 256 bytes of data-channel key material: keys[0] (bytes 0-127) protects client to server,
 * keys[1] (128-255) server to client; each is a 64-byte cipher slot and a 64-byte HMAC slot.
 */
public final class DataKeyMaterial {
  public static final int SIZE = 256;
  public static final String EXPORTER_LABEL = "EXPORTER-OpenVPN-datakeys";

  private final byte[] material;

  public DataKeyMaterial(byte[] material) {
    if (material.length != SIZE) {
      throw new IllegalArgumentException("key material must be 256 bytes, got " + material.length);
    }
    this.material = material.clone();
  }

  /**
   * TLS keying-material export. OpenVPN exports with no context; the JDK's {@code null} context
   * means "no context" (under TLS 1.2 different from an empty one; under TLS 1.3 the two coincide).
   */
  public static DataKeyMaterial exported(ExtendedSSLSession session) throws SSLException {
    byte[] m = session.exportKeyingMaterialData(EXPORTER_LABEL, null, SIZE);
    if (m == null) {
      throw new SSLException(
          "TLS session cannot export keying material (" + session.getProtocol() + ")");
    }
    return new DataKeyMaterial(m);
  }

  /** OpenVPN's PRF derivation, for clients that do not announce TLS key export (IV_PROTO bit 8). */
  public static DataKeyMaterial prf(
      KeyMethod2.ClientMessage client,
      byte[] serverRandom1,
      byte[] serverRandom2,
      long clientSessionId,
      long serverSessionId) {
    byte[] master =
        Tls10Prf.derive(
            client.preMaster(),
            "OpenVPN master secret",
            concat(client.random1(), serverRandom1),
            48);
    byte[] sids = ByteBuffer.allocate(16).putLong(clientSessionId).putLong(serverSessionId).array();
    return new DataKeyMaterial(
        Tls10Prf.derive(
            master, "OpenVPN key expansion", concat(client.random2(), serverRandom2, sids), SIZE));
  }

  /** The server's encryption key (server to client, keys[1] cipher slot). */
  public byte[] serverEncryptKey(AeadCipher c) {
    return Arrays.copyOfRange(material, 128, 128 + c.keyLength());
  }

  /** The server's implicit IV for encryption (first 8 bytes of keys[1] HMAC slot). */
  public byte[] serverEncryptImplicitIv() {
    return Arrays.copyOfRange(material, 192, 200);
  }

  /** The server's decryption key (client to server, keys[0] cipher slot). */
  public byte[] serverDecryptKey(AeadCipher c) {
    return Arrays.copyOfRange(material, 0, c.keyLength());
  }

  /** The server's implicit IV for decryption (first 8 bytes of keys[0] HMAC slot). */
  public byte[] serverDecryptImplicitIv() {
    return Arrays.copyOfRange(material, 64, 72);
  }

  /** The client's encryption key: the server's decryption key (keys[0] cipher slot). */
  public byte[] clientEncryptKey(AeadCipher c) {
    return serverDecryptKey(c);
  }

  /** The client's implicit IV for encryption (first 8 bytes of keys[0] HMAC slot). */
  public byte[] clientEncryptImplicitIv() {
    return serverDecryptImplicitIv();
  }

  /** The client's decryption key: the server's encryption key (keys[1] cipher slot). */
  public byte[] clientDecryptKey(AeadCipher c) {
    return serverEncryptKey(c);
  }

  /** The client's implicit IV for decryption (first 8 bytes of keys[1] HMAC slot). */
  public byte[] clientDecryptImplicitIv() {
    return serverEncryptImplicitIv();
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }

  /**
   * TLS 1.0 PRF (RFC 2246 section 5): P_MD5 over the first half of the secret xor P_SHA1 over the
   * second.
   */
  static final class Tls10Prf {
    private Tls10Prf() {}

    static byte[] derive(byte[] secret, String label, byte[] seed, int length) {
      byte[] labelSeed = concat(label.getBytes(StandardCharsets.US_ASCII), seed);
      int half = (secret.length + 1) / 2;
      byte[] s1 = Arrays.copyOfRange(secret, 0, half);
      byte[] s2 = Arrays.copyOfRange(secret, secret.length - half, secret.length);
      byte[] md5 = pHash("HmacMD5", s1, labelSeed, length);
      byte[] sha1 = pHash("HmacSHA1", s2, labelSeed, length);
      for (int i = 0; i < length; i++) {
        md5[i] ^= sha1[i];
      }
      return md5;
    }

    private static byte[] pHash(String alg, byte[] secret, byte[] seed, int length) {
      try {
        Mac mac = Mac.getInstance(alg);
        mac.init(new SecretKeySpec(secret, alg));
        byte[] out = new byte[length];
        byte[] a = seed;
        int pos = 0;
        while (pos < length) {
          a = mac.doFinal(a);
          mac.update(a);
          byte[] block = mac.doFinal(seed);
          int n = Math.min(block.length, length - pos);
          System.arraycopy(block, 0, out, pos, n);
          pos += n;
        }
        return out;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(alg + " unavailable", e);
      }
    }
  }
}
