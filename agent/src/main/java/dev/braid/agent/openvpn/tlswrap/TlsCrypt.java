package dev.braid.agent.openvpn.tlswrap;

import dev.braid.agent.openvpn.wire.Decoded;
import dev.braid.agent.openvpn.wire.DropReason;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;

/**
 * tls-crypt: {@code op|sid|replay_id(8)|tag(32)|AES-256-CTR(rest)} with {@code tag =
 * HMAC-SHA256(Ka, op|sid|replay_id|rest)} and the CTR IV = the tag's first 16 bytes. A server uses
 * {@link KeyDirection#NORMAL}, a client {@link KeyDirection#INVERSE}.
 */
public final class TlsCrypt implements ControlWrap {
  static final int HEADER = 1 + 8 + 8;
  static final int TAG = 32;

  private final byte[] sendCipher;
  private final byte[] sendHmac;
  private final byte[] receiveCipher;
  private final byte[] receiveHmac;

  public TlsCrypt(StaticKey key, KeyDirection direction) {
    this.sendCipher = key.cipherKey(direction.sendKey(), 32);
    this.sendHmac = key.hmacKey(direction.sendKey(), 32);
    this.receiveCipher = key.cipherKey(direction.receiveKey(), 32);
    this.receiveHmac = key.hmacKey(direction.receiveKey(), 32);
  }

  @Override
  public byte[] wrap(byte[] plain, long epoch, int packetId) {
    int restLen = plain.length - 9;
    byte[] out = new byte[HEADER + TAG + restLen];
    System.arraycopy(plain, 0, out, 0, 9);
    Crypto.putReplayId(out, 9, epoch, packetId);
    Mac mac = Crypto.hmac("HmacSHA256", sendHmac);
    mac.update(out, 0, HEADER);
    mac.update(plain, 9, restLen);
    byte[] tag = mac.doFinal();
    System.arraycopy(tag, 0, out, HEADER, TAG);
    byte[] ct = Crypto.aesCtr(sendCipher, tag, plain, 9, restLen);
    System.arraycopy(ct, 0, out, HEADER + TAG, restLen);
    return out;
  }

  @Override
  public Decoded<Unwrapped> unwrap(byte[] wire, int off, int len) {
    if (len < HEADER + TAG + 1) {
      return Decoded.dropped(DropReason.TLS_CRYPT_TOO_SHORT);
    }
    byte[] tag = Arrays.copyOfRange(wire, off + HEADER, off + HEADER + TAG);
    int restLen = len - HEADER - TAG;
    byte[] rest = Crypto.aesCtr(receiveCipher, tag, wire, off + HEADER + TAG, restLen);
    Mac mac = Crypto.hmac("HmacSHA256", receiveHmac);
    mac.update(wire, off, HEADER);
    mac.update(rest);
    if (!MessageDigest.isEqual(mac.doFinal(), tag)) {
      return Decoded.dropped(DropReason.TLS_CRYPT_BAD_TAG);
    }
    byte[] plain = new byte[9 + restLen];
    System.arraycopy(wire, off, plain, 0, 9);
    System.arraycopy(rest, 0, plain, 9, restLen);
    int packetId = Crypto.getInt(wire, off + 9);
    long epoch = Integer.toUnsignedLong(Crypto.getInt(wire, off + 13));
    return Decoded.ok(new Unwrapped(plain, epoch, packetId));
  }
}
