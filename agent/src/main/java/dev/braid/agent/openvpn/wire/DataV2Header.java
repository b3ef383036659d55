package dev.braid.agent.openvpn.wire;

/**
 * The 4-byte DATA_V2 header: opcode/key id, then a 24-bit big-endian peer id ({@link #NO_PEER_ID} =
 * unset).
 *
 * @param keyId 0..7
 * @param peerId 0..0xFFFFFF
 */
public record DataV2Header(int keyId, int peerId) {
  public static final int SIZE = 4;
  public static final int NO_PEER_ID = 0xFFFFFF;

  public DataV2Header {
    if ((peerId & ~0xFFFFFF) != 0) {
      throw new IllegalArgumentException("peer id exceeds 24 bits: " + peerId);
    }
  }

  public void encode(byte[] out, int off) {
    out[off] = (byte) Opcode.DATA_V2.firstByte(keyId);
    out[off + 1] = (byte) (peerId >>> 16);
    out[off + 2] = (byte) (peerId >>> 8);
    out[off + 3] = (byte) peerId;
  }

  public static Decoded<DataV2Header> decode(byte[] buf, int off, int len) {
    if (len < 1) {
      return Decoded.dropped(DropReason.EMPTY);
    }
    if (Opcode.ofFirstByte(buf[off]) != Opcode.DATA_V2) {
      return Decoded.dropped(DropReason.NOT_A_DATA_PACKET);
    }
    if (len < SIZE) {
      return Decoded.dropped(DropReason.TRUNCATED_DATA_HEADER);
    }
    int peerId = (buf[off + 1] & 0xFF) << 16 | (buf[off + 2] & 0xFF) << 8 | buf[off + 3] & 0xFF;
    return Decoded.ok(new DataV2Header(Opcode.keyId(buf[off]), peerId));
  }
}
