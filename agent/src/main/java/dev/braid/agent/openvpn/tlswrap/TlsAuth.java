package dev.braid.agent.openvpn.tlswrap;

import dev.braid.agent.openvpn.wire.Decoded;
import dev.braid.agent.openvpn.wire.DropReason;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;

/**
 * tls-auth: {@code op|sid|HMAC|replay_id(8)|rest} with {@code HMAC = H(replay_id|op|sid|rest)}. The
 * digest follows the peer's {@code --auth} (not negotiated); its key is the first digest-length
 * bytes of the direction's HMAC slot.
 */
public final class TlsAuth implements ControlWrap {
  /** Digests OpenVPN accepts for tls-auth, with their JCA names and lengths. */
  public enum Digest {
    SHA1("HmacSHA1", 20),
    SHA256("HmacSHA256", 32),
    SHA512("HmacSHA512", 64);

    final String jca;
    final int length;

    Digest(String jca, int length) {
      this.jca = jca;
      this.length = length;
    }
  }

  private final Digest digest;
  private final byte[] sendKey;
  private final byte[] receiveKey;

  public TlsAuth(StaticKey key, KeyDirection direction, Digest digest) {
    this.digest = digest;
    this.sendKey = key.hmacKey(direction.sendKey(), digest.length);
    this.receiveKey = key.hmacKey(direction.receiveKey(), digest.length);
  }

  @Override
  public byte[] wrap(byte[] plain, long epoch, int packetId) {
    int restLen = plain.length - 9;
    byte[] out = new byte[9 + digest.length + 8 + restLen];
    System.arraycopy(plain, 0, out, 0, 9);
    int idAt = 9 + digest.length;
    Crypto.putReplayId(out, idAt, epoch, packetId);
    System.arraycopy(plain, 9, out, idAt + 8, restLen);
    byte[] h = mac(sendKey, out, 0, out.length);
    System.arraycopy(h, 0, out, 9, digest.length);
    return out;
  }

  @Override
  public Decoded<Unwrapped> unwrap(byte[] wire, int off, int len) {
    int idAt = 9 + digest.length;
    if (len < idAt + 8 + 1) {
      return Decoded.dropped(DropReason.TLS_AUTH_TOO_SHORT);
    }
    byte[] expected = mac(receiveKey, wire, off, len);
    byte[] got = Arrays.copyOfRange(wire, off + 9, off + idAt);
    if (!MessageDigest.isEqual(expected, got)) {
      return Decoded.dropped(DropReason.TLS_AUTH_BAD_HMAC);
    }
    int restLen = len - idAt - 8;
    byte[] plain = new byte[9 + restLen];
    System.arraycopy(wire, off, plain, 0, 9);
    System.arraycopy(wire, off + idAt + 8, plain, 9, restLen);
    int packetId = Crypto.getInt(wire, off + idAt);
    long epoch = Integer.toUnsignedLong(Crypto.getInt(wire, off + idAt + 4));
    return Decoded.ok(new Unwrapped(plain, epoch, packetId));
  }

  /** HMAC over {@code replay_id | op | sid | rest} of a packet laid out as on the wire. */
  private byte[] mac(byte[] key, byte[] pkt, int off, int len) {
    int idAt = off + 9 + digest.length;
    Mac mac = Crypto.hmac(digest.jca, key);
    mac.update(pkt, idAt, 8);
    mac.update(pkt, off, 9);
    mac.update(pkt, idAt + 8, len - (idAt + 8 - off));
    return mac.doFinal();
  }
}
