package dev.braid.agent.openvpn.data;

import dev.braid.agent.openvpn.keys.DataCipher;
import dev.braid.agent.openvpn.replay.ReplayWindow;
import dev.braid.agent.openvpn.wire.DataV2Header;
import dev.braid.agent.openvpn.wire.Decoded;
import dev.braid.agent.openvpn.wire.DropReason;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction pair of AEAD data-channel keys for one key id. Packet layout (DATA_V2): {@code
 * header(4) | packet_id(4) | tag(16) | ciphertext}; IV = packet_id || implicit IV (8); AAD = header
 * || packet_id. Decrypt authenticates before consulting the replay window. Not thread-safe (one per
 * session key, used by its worker).
 */
public final class AeadDataChannel {
  public static final int TAG = 16;
  public static final int OVERHEAD = DataV2Header.SIZE + 4 + TAG;

  private final DataCipher cipher;
  private final SecretKeySpec encryptKey;
  private final byte[] encryptIv;
  private final SecretKeySpec decryptKey;
  private final byte[] decryptIv;
  private final DataV2Header header;
  private final ReplayWindow replay = ReplayWindow.openvpnDefault();
  private int nextPacketId = 1;

  /** Decryption outcome: the plaintext and what kind of payload it is, or a drop reason. */
  public record Opened(byte[] plain, DataPayload kind) {}

  public AeadDataChannel(
      DataCipher cipher,
      byte[] encryptKey,
      byte[] encryptImplicitIv,
      byte[] decryptKey,
      byte[] decryptImplicitIv,
      int keyId,
      int peerId) {
    this.cipher = cipher;
    String alg = cipher == DataCipher.CHACHA20_POLY1305 ? "ChaCha20" : "AES";
    this.encryptKey = new SecretKeySpec(encryptKey, alg);
    this.encryptIv = encryptImplicitIv.clone();
    this.decryptKey = new SecretKeySpec(decryptKey, alg);
    this.decryptIv = decryptImplicitIv.clone();
    this.header = new DataV2Header(keyId, peerId);
  }

  /** Encrypts one payload (an IP packet, or a ping/exit message) into a DATA_V2 packet. */
  public byte[] seal(byte[] plain) {
    int pid = nextPacketId++;
    if (pid == 0) {
      throw new IllegalStateException("data channel packet id exhausted: renegotiate first");
    }
    byte[] out = new byte[OVERHEAD + plain.length];
    header.encode(out, 0);
    putInt(out, 4, pid);
    try {
      Cipher c = Cipher.getInstance(transformation());
      c.init(Cipher.ENCRYPT_MODE, encryptKey, params(pid, encryptIv));
      c.updateAAD(out, 0, 8);
      byte[] ctAndTag = c.doFinal(plain);
      System.arraycopy(ctAndTag, plain.length, out, 8, TAG);
      System.arraycopy(ctAndTag, 0, out, 8 + TAG, plain.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(cipher + " encryption failed", e);
    }
  }

  /** Authenticates, decrypts and replay-checks one DATA_V2 packet. */
  public Decoded<Opened> open(byte[] packet, int off, int len, long nowNanos) {
    if (len < OVERHEAD) {
      return Decoded.dropped(DropReason.TRUNCATED_DATA_HEADER);
    }
    int pid = getInt(packet, off + 4);
    byte[] ctAndTag = new byte[len - 8];
    System.arraycopy(packet, off + 8 + TAG, ctAndTag, 0, len - 8 - TAG);
    System.arraycopy(packet, off + 8, ctAndTag, len - 8 - TAG, TAG);
    byte[] plain;
    try {
      Cipher c = Cipher.getInstance(transformation());
      c.init(Cipher.DECRYPT_MODE, decryptKey, params(pid, decryptIv));
      c.updateAAD(packet, off, 8);
      plain = c.doFinal(ctAndTag);
    } catch (AEADBadTagException e) {
      return Decoded.dropped(DropReason.DATA_BAD_TAG);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(cipher + " decryption failed", e);
    }
    DropReason replayed = replay.check(0, pid, nowNanos);
    if (replayed != null) {
      return Decoded.dropped(replayed);
    }
    replay.accept(0, pid, nowNanos);
    return Decoded.ok(new Opened(plain, DataPayload.classify(plain)));
  }

  private String transformation() {
    return cipher == DataCipher.CHACHA20_POLY1305 ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding";
  }

  private AlgorithmParameterSpec params(int pid, byte[] implicitIv) {
    byte[] iv = new byte[12];
    putInt(iv, 0, pid);
    System.arraycopy(implicitIv, 0, iv, 4, 8);
    return cipher == DataCipher.CHACHA20_POLY1305
        ? new IvParameterSpec(iv)
        : new GCMParameterSpec(TAG * 8, iv);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  private static int getInt(byte[] b, int at) {
    return (b[at] & 0xFF) << 24
        | (b[at + 1] & 0xFF) << 16
        | (b[at + 2] & 0xFF) << 8
        | b[at + 3] & 0xFF;
  }
}
