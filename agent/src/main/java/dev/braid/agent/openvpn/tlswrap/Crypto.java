package dev.braid.agent.openvpn.tlswrap;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * JCA calls used by the wrappers; algorithms are always present in the JDK, so failures are bugs.
 */
final class Crypto {
  private Crypto() {}

  static Mac hmac(String algorithm, byte[] key) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key, algorithm));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC " + algorithm + " unavailable", e);
    }
  }

  static byte[] aesCtr(byte[] key, byte[] iv16, byte[] in, int off, int len) {
    try {
      Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv16, 0, 16));
      return c.doFinal(in, off, len);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-CTR failed", e);
    }
  }

  static void putReplayId(byte[] out, int at, long epoch, int packetId) {
    putInt(out, at, packetId);
    putInt(out, at + 4, (int) epoch);
  }

  static void putInt(byte[] out, int at, int v) {
    out[at] = (byte) (v >>> 24);
    out[at + 1] = (byte) (v >>> 16);
    out[at + 2] = (byte) (v >>> 8);
    out[at + 3] = (byte) v;
  }

  static int getInt(byte[] in, int at) {
    return (in[at] & 0xFF) << 24
        | (in[at + 1] & 0xFF) << 16
        | (in[at + 2] & 0xFF) << 8
        | in[at + 3] & 0xFF;
  }
}
