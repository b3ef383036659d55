package dev.braid.agent.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns what a TUN queue with segmentation offload hands out (a virtio_net_hdr and a TCP
 * super-packet of up to 64 KiB, or a packet whose checksum the kernel left to the device) into
 * ordinary IP packets with complete checksums, as a NIC would before putting them on the wire.
 * Reading one super-packet instead of ~45 packets saves ~44 read calls; the segments then go out in
 * one sendmmsg batch.
 *
 * <p>Segments are written into this object's buffer, appended by each {@link #split}, and stay
 * valid until {@link #reset}. One per worker; not thread-safe.
 */
final class TunSegmenter {
  static final int VNET_HDR = 10;
  static final int F_NEEDS_CSUM = 1;
  static final int GSO_NONE = 0;
  static final int GSO_TCPV4 = 1;
  static final int GSO_TCPV6 = 4;
  static final int GSO_ECN = 0x80;

  private static final int FIN = 0x01;
  private static final int PSH = 0x08;
  private static final int CWR = 0x80;

  private final ByteBuffer out;
  private final ByteBuffer[] segments;
  private int count;

  /** Room for {@code maxSegments} segments and {@code bufferBytes} bytes of them. */
  TunSegmenter(int maxSegments, int bufferBytes) {
    this.out = ByteBuffer.allocate(bufferBytes);
    this.segments = new ByteBuffer[maxSegments];
  }

  /**
   * A segmenter for {@code reads} reads of up to 64 KiB each: segments down to an MSS of 512 and
   * their copied headers (up to 120 bytes each) fit.
   */
  static TunSegmenter forReads(int reads) {
    int perRead = 65535 / 512 + 1;
    return new TunSegmenter(reads * perRead, reads * (65535 + perRead * 120));
  }

  /** How many segments fit. */
  int capacity() {
    return segments.length;
  }

  /** Forgets every segment. */
  void reset() {
    out.clear();
    count = 0;
  }

  /** Segments since the last {@link #reset}. */
  int count() {
    return count;
  }

  ByteBuffer segment(int i) {
    return segments[i];
  }

  /**
   * Appends the segments of {@code packet} (its remaining bytes) as {@code header} (a
   * virtio_net_hdr, read in little-endian) says; returns how many, or -1 for a header this does not
   * handle or no room (nothing appended; the caller counts a drop). A packet that needs nothing
   * comes back as one segment.
   */
  int split(ByteBuffer header, ByteBuffer packet) {
    int before = count;
    ByteBuffer h = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int at = h.position();
    int flags = h.get(at) & 0xFF;
    int gsoType = h.get(at + 1) & 0xFF & ~GSO_ECN;
    int gsoSize = h.getShort(at + 4) & 0xFFFF;
    int csumStart = h.getShort(at + 6) & 0xFFFF;
    int csumOffset = h.getShort(at + 8) & 0xFFFF;
    int p = packet.position();
    int len = packet.remaining();
    if (gsoType == GSO_NONE) {
      if (count == segments.length || len > out.remaining()) {
        return -1;
      }
      ByteBuffer seg = copy(packet, p, len);
      if ((flags & F_NEEDS_CSUM) != 0) {
        if (csumStart + csumOffset + 2 > len) {
          return -1;
        }
        int field = csumStart + csumOffset;
        long sum =
            TcpCoalescer.sum(seg, csumStart, len - csumStart, 0); // field holds the pseudo sum
        seg.putShort(field, (short) ~TcpCoalescer.fold(sum));
      }
      add(seg);
      return 1;
    }
    if ((gsoType != GSO_TCPV4 && gsoType != GSO_TCPV6) || gsoSize == 0) {
      return -1;
    }
    boolean v4 = gsoType == GSO_TCPV4;
    int l4 = csumStart;
    if (l4 < (v4 ? 20 : 40) || l4 + 20 > len) {
      return -1;
    }
    int tcpHeader = ((packet.get(p + l4 + 12) >> 4) & 0xF) * 4;
    int headers = l4 + tcpHeader;
    if (tcpHeader < 20 || headers > len) {
      return -1;
    }
    int payload = len - headers;
    int n = Math.max(1, (payload + gsoSize - 1) / gsoSize);
    if (count + n > segments.length || (long) n * (headers + gsoSize) > out.remaining()) {
      return -1;
    }
    int seq = packet.getInt(p + l4 + 4);
    int tcpFlags = packet.get(p + l4 + 13) & 0xFF;
    int ipId = v4 ? packet.getShort(p + 4) & 0xFFFF : 0;
    for (int k = 0; k < n; k++) {
      int data = Math.min(gsoSize, payload - k * gsoSize);
      int start = out.position();
      out.put(packet.slice(p, headers));
      out.put(packet.slice(p + headers + k * gsoSize, data));
      ByteBuffer seg = out.slice(start, headers + data);
      int segLen = headers + data;
      if (v4) {
        seg.putShort(2, (short) segLen);
        seg.putShort(4, (short) (ipId + k));
        int ihl = (seg.get(0) & 0xF) * 4;
        seg.putShort(10, (short) 0);
        seg.putShort(10, (short) ~TcpCoalescer.fold(TcpCoalescer.sum(seg, 0, ihl, 0)));
      } else {
        seg.putShort(4, (short) (segLen - 40));
      }
      seg.putInt(l4 + 4, seq + k * gsoSize);
      int f = tcpFlags;
      if (k < n - 1) {
        f &= ~(FIN | PSH);
      }
      if (k > 0) {
        f &= ~CWR;
      }
      seg.put(l4 + 13, (byte) f);
      int tcpLength = segLen - l4;
      long sum = v4 ? pseudo4(seg, tcpLength) : pseudo6(seg, tcpLength);
      seg.putShort(l4 + 16, (short) 0);
      sum = TcpCoalescer.sum(seg, l4, tcpLength, sum);
      seg.putShort(l4 + 16, (short) ~TcpCoalescer.fold(sum));
      add(seg);
    }
    return count - before;
  }

  private ByteBuffer copy(ByteBuffer packet, int p, int len) {
    int start = out.position();
    out.put(packet.slice(p, len));
    return out.slice(start, len);
  }

  private void add(ByteBuffer seg) {
    segments[count++] = seg;
  }

  private static long pseudo4(ByteBuffer ip, int tcpLength) {
    return TcpCoalescer.sum(ip, 12, 8, 0) + 6 + tcpLength;
  }

  private static long pseudo6(ByteBuffer ip, int tcpLength) {
    return TcpCoalescer.sum(ip, 8, 32, 0) + 6 + tcpLength;
  }
}
