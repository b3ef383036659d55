package dev.braid.agent.openvpn.wire;

import java.nio.ByteBuffer;

/** Encodes and strictly decodes unwrapped control packets. Stateless. */
public final class ControlCodec {
  private ControlCodec() {}

  /** Encoded size of a packet. */
  public static int size(ControlPacket p) {
    int n = 1 + 8 + 1 + 4 * p.acks().length;
    if (p.acks().length > 0) {
      n += 8;
    }
    if (p.opcode().carriesMessage()) {
      n += 4;
    }
    return n + p.payload().length;
  }

  public static byte[] encode(ControlPacket p) {
    ByteBuffer b = ByteBuffer.allocate(size(p));
    b.put((byte) p.opcode().firstByte(p.keyId()));
    b.putLong(p.sessionId());
    b.put((byte) p.acks().length);
    for (int id : p.acks()) {
      b.putInt(id);
    }
    if (p.acks().length > 0) {
      b.putLong(p.peerSessionId());
    }
    if (p.opcode().carriesMessage()) {
      b.putInt(p.messageId());
    }
    b.put(p.payload());
    return b.array();
  }

  /** Decodes {@code len} bytes at {@code off}; the payload is copied. */
  public static Decoded<ControlPacket> decode(byte[] buf, int off, int len) {
    if (len < 1) {
      return Decoded.dropped(DropReason.EMPTY);
    }
    ByteBuffer b = ByteBuffer.wrap(buf, off, len);
    int first = b.get() & 0xFF;
    Opcode op = Opcode.ofFirstByte(first);
    if (op == null) {
      return Decoded.dropped(DropReason.UNKNOWN_OPCODE);
    }
    if (op == Opcode.CONTROL_HARD_RESET_CLIENT_V1 || op == Opcode.CONTROL_HARD_RESET_SERVER_V1) {
      return Decoded.dropped(DropReason.KEY_METHOD_1_RESET);
    }
    if (op.isData()) {
      return Decoded.dropped(DropReason.NOT_A_CONTROL_PACKET);
    }
    if (b.remaining() < 8) {
      return Decoded.dropped(DropReason.TRUNCATED_SESSION_ID);
    }
    long sid = b.getLong();
    if (sid == 0) {
      return Decoded.dropped(DropReason.ZERO_SESSION_ID);
    }
    if (!b.hasRemaining()) {
      return Decoded.dropped(DropReason.TRUNCATED_ACK_COUNT);
    }
    int count = b.get() & 0xFF;
    if (count > ControlPacket.MAX_ACKS) {
      return Decoded.dropped(DropReason.TOO_MANY_ACKS);
    }
    if (b.remaining() < 4 * count) {
      return Decoded.dropped(DropReason.TRUNCATED_ACK_IDS);
    }
    int[] acks = new int[count];
    for (int i = 0; i < count; i++) {
      acks[i] = b.getInt();
    }
    long peerSid = 0;
    if (count > 0) {
      if (b.remaining() < 8) {
        return Decoded.dropped(DropReason.TRUNCATED_PEER_SESSION_ID);
      }
      peerSid = b.getLong();
      if (peerSid == 0) {
        return Decoded.dropped(DropReason.ZERO_PEER_SESSION_ID);
      }
    }
    int messageId = 0;
    if (op.carriesMessage()) {
      if (b.remaining() < 4) {
        return Decoded.dropped(DropReason.TRUNCATED_MESSAGE_ID);
      }
      messageId = b.getInt();
    } else if (count == 0) {
      return Decoded.dropped(DropReason.ACK_WITHOUT_ACKS);
    } else if (b.hasRemaining()) {
      return Decoded.dropped(DropReason.ACK_WITH_TRAILING_BYTES);
    }
    byte[] payload = new byte[b.remaining()];
    b.get(payload);
    return Decoded.ok(
        new ControlPacket(op, Opcode.keyId(first), sid, acks, peerSid, messageId, payload));
  }
}
