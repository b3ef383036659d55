package dev.braid.agent.openvpn.tlswrap;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;

/**
 * Stateless answer to a client's hard reset: the server session id is derived from an HMAC over the
 * time slot, the client's address and its session id, so no state exists until the client echoes it
 * (a spoofed reset costs the server one packet, not a session). A cookie is valid in its own slot
 * and the two before. Thread-safe.
 */
public final class ResetCookie {
  private final byte[] key;
  private final long slotNanos;

  /**
   * @param slotNanos length of one time slot; a cookie lives two to three slots
   */
  public ResetCookie(byte[] key, long slotNanos) {
    if (key.length < 16) {
      throw new IllegalArgumentException("cookie key needs >= 16 bytes, got " + key.length);
    }
    this.key = key.clone();
    this.slotNanos = slotNanos;
  }

  public static ResetCookie random(SecureRandom random, long slotNanos) {
    byte[] k = new byte[32];
    random.nextBytes(k);
    return new ResetCookie(k, slotNanos);
  }

  /** The server session id to use for this client now. Never zero. */
  public long serverSessionId(byte[] peerAddress, long clientSessionId, long nowNanos) {
    return cookie(slot(nowNanos), peerAddress, clientSessionId);
  }

  /**
   * True if {@code echoed} is the cookie of this peer in the current slot or one of the two before.
   */
  public boolean verify(byte[] peerAddress, long clientSessionId, long echoed, long nowNanos) {
    long slot = slot(nowNanos);
    boolean ok = false;
    for (long s = slot; s >= slot - 2; s--) {
      byte[] want = ByteBuffer.allocate(8).putLong(cookie(s, peerAddress, clientSessionId)).array();
      byte[] got = ByteBuffer.allocate(8).putLong(echoed).array();
      ok |= MessageDigest.isEqual(want, got); // no early exit: same work whichever slot matches
    }
    return ok;
  }

  private long slot(long nowNanos) {
    return Math.floorDiv(nowNanos, slotNanos);
  }

  private long cookie(long slot, byte[] peerAddress, long clientSessionId) {
    Mac mac = Crypto.hmac("HmacSHA256", key);
    mac.update(ByteBuffer.allocate(8).putLong(slot).array());
    mac.update(peerAddress);
    mac.update(ByteBuffer.allocate(8).putLong(clientSessionId).array());
    long sid = ByteBuffer.wrap(mac.doFinal()).getLong();
    return sid == 0 ? 1 : sid;
  }
}
