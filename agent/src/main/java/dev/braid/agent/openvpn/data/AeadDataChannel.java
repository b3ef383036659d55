package dev.braid.agent.openvpn.data;

import dev.braid.agent.openvpn.keys.AeadCipher;
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

  private final AeadCipher cipher;
  private final SecretKeySpec encryptKey;
  private final byte[] encryptIv;
  private final SecretKeySpec decryptKey;
  private final byte[] decryptIv;
  private final DataV2Header header;
  private final ReplayWindow replay;

  // One Cipher per direction, re-initialised per packet with its IV: a fresh instance per packet
  // costs a provider lookup and (for AES) a key schedule each time; a reused one keeps both.
  private final Cipher sealer;
  private final Cipher opener;
  private final byte[] iv = new byte[12];
  private final byte[] tag = new byte[TAG];
  private byte[] reordered = new byte[2048];
  private int nextPacketId = 1;

  /**
   * Decryption outcome: the plaintext, what kind of payload it is and its packet id (unsigned; the
   * sequence a multipath receiver reorders on).
   */
  public record Opened(byte[] plain, DataPayload kind, long packetId) {}

  /** A data channel with OpenVPN's default 64-packet replay window. */
  public AeadDataChannel(
      AeadCipher cipher,
      byte[] encryptKey,
      byte[] encryptImplicitIv,
      byte[] decryptKey,
      byte[] decryptImplicitIv,
      int keyId,
      int peerId) {
    this(
        cipher,
        encryptKey,
        encryptImplicitIv,
        decryptKey,
        decryptImplicitIv,
        keyId,
        peerId,
        ReplayWindow.DEFAULT_SIZE);
  }

  /**
   * A data channel whose replay window accepts packets up to {@code replayWindow} ids behind the
   * highest (OpenVPN's {@code replay-window}): multipath sessions need thousands, because a path
   * that is slower by d seconds at r packets per second delivers ids about d * r behind.
   */
  public AeadDataChannel(
      AeadCipher cipher,
      byte[] encryptKey,
      byte[] encryptImplicitIv,
      byte[] decryptKey,
      byte[] decryptImplicitIv,
      int keyId,
      int peerId,
      int replayWindow) {
    this.replay = ReplayWindow.ofSize(replayWindow);
    this.cipher = cipher;
    String alg = cipher == AeadCipher.CHACHA20_POLY1305 ? "ChaCha20" : "AES";
    this.encryptKey = new SecretKeySpec(encryptKey, alg);
    this.encryptIv = encryptImplicitIv.clone();
    this.decryptKey = new SecretKeySpec(decryptKey, alg);
    this.decryptIv = decryptImplicitIv.clone();
    this.header = new DataV2Header(keyId, peerId);
    try {
      this.sealer = Cipher.getInstance(transformation());
      this.opener = Cipher.getInstance(transformation());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(cipher + " is not available", e);
    }
  }

  /** Encrypts one payload (an IP packet, or a ping/exit message) into a DATA_V2 packet. */
  public byte[] seal(byte[] plain) {
    return seal(plain, 0, plain.length);
  }

  /** Encrypts {@code len} bytes of {@code plain} from {@code off} into a new DATA_V2 packet. */
  public byte[] seal(byte[] plain, int off, int len) {
    int pid = nextPacketId++;
    if (pid == 0) {
      throw new IllegalStateException("data channel packet id exhausted: renegotiate first");
    }
    byte[] out = new byte[OVERHEAD + len];
    header.encode(out, 0);
    putInt(out, 4, pid);
    try {
      sealer.init(Cipher.ENCRYPT_MODE, encryptKey, params(pid, encryptIv));
      sealer.updateAAD(out, 0, 8);
      // The cipher writes ciphertext || tag; the wire wants tag || ciphertext: move them.
      int n = sealer.doFinal(plain, off, len, out, 8);
      if (n != len + TAG) {
        throw new IllegalStateException(cipher + " produced " + n + " bytes for " + len);
      }
      System.arraycopy(out, 8 + len, tag, 0, TAG);
      System.arraycopy(out, 8, out, 8 + TAG, len);
      System.arraycopy(tag, 0, out, 8, TAG);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(cipher + " encryption failed", e);
    }
  }

  /**
   * Authenticates, decrypts and replay-checks one DATA_V2 packet. {@link DropReason#REPLAY} means
   * the id was already received: an attack on a single-path session, but the expected fate of the
   * second copy when a multipath peer sends a packet on several paths, so a multipath session
   * counts it as a duplicate instead.
   */
  public Decoded<Opened> open(byte[] packet, int off, int len, long nowNanos) {
    if (len < OVERHEAD) {
      return Decoded.dropped(DropReason.TRUNCATED_DATA_HEADER);
    }
    int pid = (int) packetId(packet, off);
    int ctLen = len - OVERHEAD;
    if (reordered.length < ctLen + TAG) {
      reordered = new byte[ctLen + TAG];
    }
    System.arraycopy(packet, off + 8 + TAG, reordered, 0, ctLen);
    System.arraycopy(packet, off + 8, reordered, ctLen, TAG);
    byte[] plain = new byte[ctLen];
    try {
      opener.init(Cipher.DECRYPT_MODE, decryptKey, params(pid, decryptIv));
      opener.updateAAD(packet, off, 8);
      opener.doFinal(reordered, 0, ctLen + TAG, plain, 0);
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
    return Decoded.ok(new Opened(plain, DataPayload.classify(plain), Integer.toUnsignedLong(pid)));
  }

  /**
   * The packet id of a DATA_V2 packet starting at {@code off} (bytes 4..7, after opcode and peer
   * id), unsigned; read without authenticating, so only meaningful for a packet {@link #open} has
   * authenticated (such as one it refused as a replay).
   */
  public static long packetId(byte[] packet, int off) {
    return Integer.toUnsignedLong(getInt(packet, off + 4));
  }

  private String transformation() {
    return cipher == AeadCipher.CHACHA20_POLY1305 ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding";
  }

  private AlgorithmParameterSpec params(int pid, byte[] implicitIv) {
    putInt(iv, 0, pid); // the spec copies it
    System.arraycopy(implicitIv, 0, iv, 4, 8);
    return cipher == AeadCipher.CHACHA20_POLY1305
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
