package dev.braid.agent.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Merges consecutive TCP/IPv4 segments of one flow, written to a TUN queue within one batch, into
 * one super-packet that carries a virtio_net_hdr asking for TCP segmentation (GSO): the kernel's IP
 * and TCP receive path then runs once per super-packet instead of once per segment, and the
 * receiving socket sends fewer ACKs. The queue must be opened with IFF_VNET_HDR.
 *
 * <p>Only what the kernel's own GRO would merge is merged: same addresses, ports, ACK number, TOS,
 * TTL, DF and TCP options; flags ACK (PSH only on the last segment); adjacent sequence numbers;
 * equal payload sizes except a shorter last one; a valid TCP checksum (the super-packet's checksum
 * is left to the kernel, so a corrupt segment must not hide in it). Everything else is written as
 * it came, in order. One flow is pending at a time: a packet of another flow writes it first.
 *
 * <p>One per worker; not thread-safe.
 */
final class TcpCoalescer {
  /** sizeof(struct virtio_net_hdr). */
  static final int VNET_HDR = 10;

  static final int MAX_IP = 65535;
  static final int MAX_SEGMENTS = 64;

  private static final int VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
  private static final int VIRTIO_NET_HDR_GSO_TCPV4 = 1;
  private static final int IP = 20; // IPv4 header without options: the only kind merged
  private static final int ACK = 0x10;
  private static final int PSH = 0x08;
  private static final VarHandle LITTLE_LONG =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Where frames go. */
  interface Sink {
    /**
     * Writes {@code frame}'s remaining bytes: a virtio_net_hdr and an IP packet when {@code
     * withHeader}, else a bare IP packet. {@code packets} and {@code bytes} are the original
     * packets it carries, for counting.
     */
    void write(ByteBuffer frame, boolean withHeader, int packets, long bytes);
  }

  private final ByteBuffer pending = ByteBuffer.allocateDirect(VNET_HDR + MAX_IP);
  private int length; // IP bytes pending; 0 = nothing pending
  private int segments;
  private int tcpHeader;
  private int gsoSize;
  private int payload;
  private int nextSeq;
  private boolean pushed;

  /**
   * Takes a copy of {@code packet}'s remaining bytes; may write earlier packets to {@code sink}.
   */
  void add(ByteBuffer packet, Sink sink) {
    int at = packet.position();
    int len = packet.remaining();
    int th = mergeableTcpHeader(packet, at, len);
    if (th < 0) {
      flush(sink);
      sink.write(packet, false, 1, len);
      return;
    }
    int data = len - IP - th;
    if (length > 0 && follows(packet, at, th, data)) {
      pending.put(VNET_HDR + length, packet, at + IP + th, data);
      length += data;
      payload += data;
      nextSeq += data;
      segments++;
      pushed = (packet.get(at + IP + 13) & PSH) != 0;
      return;
    }
    flush(sink);
    pending.put(VNET_HDR, packet, at, len);
    length = len;
    segments = 1;
    tcpHeader = th;
    gsoSize = data;
    payload = data;
    nextSeq = packet.getInt(at + IP + 4) + data;
    pushed = (packet.get(at + IP + 13) & PSH) != 0;
  }

  /** Writes the pending packet, if any. */
  void flush(Sink sink) {
    if (length == 0) {
      return;
    }
    int ip = VNET_HDR;
    for (int i = 0; i < VNET_HDR; i++) {
      pending.put(i, (byte) 0);
    }
    long bytes = (long) length + (long) (segments - 1) * (IP + tcpHeader);
    if (segments > 1) {
      pending.putShort(ip + 2, (short) length);
      pending.putShort(ip + 10, (short) 0);
      pending.putShort(ip + 10, (short) ~fold(sum(pending, ip, IP, 0)));
      if (pushed) {
        pending.put(ip + IP + 13, (byte) (pending.get(ip + IP + 13) | PSH));
      }
      // CHECKSUM_PARTIAL: the field holds the pseudo-header sum; the kernel adds the rest.
      pending.putShort(ip + IP + 16, (short) fold(pseudoHeader(pending, ip, length - IP)));
      pending.put(0, (byte) VIRTIO_NET_HDR_F_NEEDS_CSUM);
      pending.put(1, (byte) VIRTIO_NET_HDR_GSO_TCPV4);
      putLittleShort(2, IP + tcpHeader); // hdr_len
      putLittleShort(4, gsoSize);
      putLittleShort(6, IP); // csum_start
      putLittleShort(8, 16); // csum_offset: the TCP checksum field
    }
    pending.clear().limit(VNET_HDR + length);
    int n = segments;
    length = 0;
    segments = 0;
    sink.write(pending, true, n, bytes);
    pending.clear(); // absolute puts respect the limit
  }

  /** Whether a packet could be merged at all: its TCP header length, or -1. */
  private static int mergeableTcpHeader(ByteBuffer b, int at, int len) {
    if (len < IP + 20 || b.get(at) != 0x45 || b.get(at + 9) != 6) {
      return -1; // not IPv4 without options, or not TCP
    }
    if ((b.getShort(at + 2) & 0xFFFF) != len || (b.getShort(at + 6) & 0x3FFF) != 0) {
      return -1; // length mismatch, or a fragment
    }
    int th = ((b.get(at + IP + 12) >> 4) & 0xF) * 4;
    int flags = b.get(at + IP + 13) & 0xFF;
    if (th < 20 || len <= IP + th || (flags != ACK && flags != (ACK | PSH))) {
      return -1; // no payload, or SYN/FIN/RST/URG/ECN flags
    }
    long sum = pseudoHeader(b, at, len - IP);
    return fold(sum(b, at + IP, len - IP, sum)) == 0xFFFF ? th : -1;
  }

  /** Whether a mergeable packet continues the pending one. */
  private boolean follows(ByteBuffer b, int at, int th, int data) {
    int p = VNET_HDR;
    if (pushed
        || th != tcpHeader
        || data > gsoSize
        || payload % gsoSize != 0
        || segments >= MAX_SEGMENTS
        || length + data > MAX_IP
        || b.getInt(at + IP + 4) != nextSeq) {
      return false;
    }
    return b.get(at + 1) == pending.get(p + 1) // TOS
        && (b.get(at + 6) & 0xE0) == (pending.get(p + 6) & 0xE0) // DF and reserved
        && b.get(at + 8) == pending.get(p + 8) // TTL
        && b.getLong(at + 12) == pending.getLong(p + 12) // addresses
        && b.getInt(at + IP) == pending.getInt(p + IP) // ports
        && b.getInt(at + IP + 8) == pending.getInt(p + IP + 8) // ACK number
        && b.getShort(at + IP + 14) == pending.getShort(p + IP + 14) // window
        && sameBytes(b, at + IP + 20, p + IP + 20, th - 20); // options
  }

  private boolean sameBytes(ByteBuffer b, int at, int p, int len) {
    for (int i = 0; i < len; i++) {
      if (b.get(at + i) != pending.get(p + i)) {
        return false;
      }
    }
    return true;
  }

  private void putLittleShort(int at, int v) {
    pending.put(at, (byte) v);
    pending.put(at + 1, (byte) (v >>> 8));
  }

  /** One's-complement sum of source, destination, protocol TCP and {@code tcpLength}. */
  private static long pseudoHeader(ByteBuffer b, int ip, int tcpLength) {
    return (b.getInt(ip + 12) & 0xFFFFFFFFL) + (b.getInt(ip + 16) & 0xFFFFFFFFL) + 6 + tcpLength;
  }

  /**
   * Adds {@code len} bytes from {@code at} as big-endian 16-bit words to {@code sum}. The bytes are
   * summed as little-endian words and the folded result byte-swapped (the one's-complement sum does
   * not depend on byte order, RFC 1071 section 2(B)): reading in the CPU's order and keeping two
   * independent accumulators makes this about three times faster than big-endian reads.
   */
  static long sum(ByteBuffer b, int at, int len, long sum) {
    long low = 0;
    long high = 0;
    int i = 0;
    for (; i + 16 <= len; i += 16) {
      long v = (long) LITTLE_LONG.get(b, at + i);
      long w = (long) LITTLE_LONG.get(b, at + i + 8);
      low += (v & 0xFFFFFFFFL) + (w & 0xFFFFFFFFL);
      high += (v >>> 32) + (w >>> 32);
    }
    for (; i + 2 <= len; i += 2) {
      low += (b.get(at + i) & 0xFF) | (b.get(at + i + 1) & 0xFF) << 8;
    }
    if (i < len) {
      low += b.get(at + i) & 0xFF; // a last odd byte is the high byte of a big-endian word
    }
    int little = fold(low + high);
    return sum + (((little & 0xFF) << 8) | (little >>> 8));
  }

  /** Folds a one's-complement sum to 16 bits (not complemented). */
  static int fold(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) sum;
  }
}
