package dev.braid.agent.transport.tcp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * OpenVPN over TCP: every packet is preceded by a big-endian u16 length. The decoder is fed
 * whatever the stream delivered and returns whole packets; a zero or oversized length is fatal for
 * the connection (the stream cannot be resynchronised), reported once via {@link #error()}.
 */
public final class TcpFramer {
  /**
   * OpenVPN's largest control or data packet over TCP comfortably fits; larger lengths are garbage.
   */
  public static final int MAX_OPENVPN_PACKET = 2048;

  private final int maxPacket;
  private final byte[] buffer;
  private int filled;
  private String error;

  /**
   * @param maxPacket largest acceptable packet (at most 65535)
   */
  public TcpFramer(int maxPacket) {
    if (maxPacket < 1 || maxPacket > 0xFFFF) {
      throw new IllegalArgumentException("maxPacket must be 1..65535: " + maxPacket);
    }
    this.maxPacket = maxPacket;
    this.buffer = new byte[maxPacket + 2];
  }

  /** Prefixes {@code packet} with its length. */
  public static byte[] frame(byte[] packet) {
    return frame(ByteBuffer.wrap(packet)).array();
  }

  /** A heap buffer holding {@code packet}'s remaining bytes prefixed with their length. */
  public static ByteBuffer frame(ByteBuffer packet) {
    int length = packet.remaining();
    if (length < 1 || length > 0xFFFF) {
      throw new IllegalArgumentException("packet length must be 1..65535: " + length);
    }
    ByteBuffer out = ByteBuffer.allocate(length + 2);
    out.putShort((short) length).put(packet.duplicate()).flip();
    return out;
  }

  /**
   * Consumes stream bytes; returns the packets they completed. Empty once {@link #error()} is set.
   */
  public List<byte[]> feed(byte[] data, int off, int len) {
    List<byte[]> packets = new ArrayList<>();
    int pos = off;
    int end = off + len;
    while (error == null && pos < end) {
      int want = filled < 2 ? 2 : 2 + frameLength();
      int n = Math.min(want - filled, end - pos);
      System.arraycopy(data, pos, buffer, filled, n);
      filled += n;
      pos += n;
      if (filled == 2) {
        int length = frameLength();
        if (length == 0) {
          error = "TCP_LENGTH_ZERO: a packet length of 0";
        } else if (length > maxPacket) {
          error =
              "TCP_LENGTH_TOO_LARGE: a packet length of " + length + " (at most " + maxPacket + ")";
        }
      } else if (filled > 2 && filled == 2 + frameLength()) {
        packets.add(Arrays.copyOfRange(buffer, 2, filled));
        filled = 0;
      }
    }
    return packets;
  }

  private int frameLength() {
    return (buffer[0] & 0xFF) << 8 | buffer[1] & 0xFF;
  }

  /** Why the stream became unusable, or null. */
  public String error() {
    return error;
  }
}
