package dev.braid.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpCoalescerTest {
  private static final int ACK = 0x10;
  private static final int PSH = 0x08;

  /** A frame as the sink saw it. */
  record Frame(byte[] bytes, boolean withHeader, int packets, long bytesCounted) {
    int gsoType() {
      return withHeader ? bytes[1] : 0;
    }

    ByteBuffer ip() {
      return ByteBuffer.wrap(bytes, withHeader ? TcpCoalescer.VNET_HDR : 0, ipLength()).slice();
    }

    int ipLength() {
      return bytes.length - (withHeader ? TcpCoalescer.VNET_HDR : 0);
    }

    int header(int at) {
      return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getShort(at) & 0xFFFF;
    }
  }

  private final List<Frame> frames = new ArrayList<>();
  private final TcpCoalescer.Sink sink =
      (frame, withHeader, packets, bytes) -> {
        byte[] copy = new byte[frame.remaining()];
        frame.duplicate().get(copy);
        frames.add(new Frame(copy, withHeader, packets, bytes));
      };
  private final TcpCoalescer coalescer = new TcpCoalescer();

  @Test
  void mergesAdjacentSegmentsIntoOneSuperPacketTheKernelCanSegmentBack() {
    List<byte[]> sent = new ArrayList<>();
    int seq = 1000;
    for (int i = 0; i < 5; i++) {
      int size = i == 4 ? 300 : 1388;
      byte[] p = tcp(seq, size, i == 4 ? ACK | PSH : ACK, (byte) i);
      sent.add(p);
      coalescer.add(ByteBuffer.wrap(p), sink);
      seq += size;
    }
    assertThat(frames).isEmpty(); // nothing written before the batch ends
    coalescer.flush(sink);

    assertThat(frames).hasSize(1);
    Frame f = frames.getFirst();
    assertThat(f.withHeader()).isTrue();
    assertThat(f.packets()).isEqualTo(5);
    assertThat(f.bytesCounted()).isEqualTo(sent.stream().mapToLong(b -> b.length).sum());
    assertThat(f.bytes()[0]).as("NEEDS_CSUM").isEqualTo((byte) 1);
    assertThat(f.gsoType()).as("GSO_TCPV4").isEqualTo(1);
    assertThat(f.header(2)).as("hdr_len").isEqualTo(20 + 32);
    assertThat(f.header(4)).as("gso_size").isEqualTo(1388);
    assertThat(f.header(6)).as("csum_start").isEqualTo(20);
    assertThat(f.header(8)).as("csum_offset").isEqualTo(16);
    ByteBuffer ip = f.ip();
    assertThat(ip.getShort(2) & 0xFFFF).isEqualTo(f.ipLength());
    assertThat(TcpCoalescer.fold(TcpCoalescer.sum(ip, 0, 20, 0)))
        .as("IP checksum")
        .isEqualTo(0xFFFF);
    long pseudo =
        (ip.getInt(12) & 0xFFFFFFFFL) + (ip.getInt(16) & 0xFFFFFFFFL) + 6 + f.ipLength() - 20;
    assertThat(ip.getShort(36) & 0xFFFF)
        .as("partial checksum")
        .isEqualTo(TcpCoalescer.fold(pseudo));
    assertThat(ip.get(33) & PSH).as("PSH of the last segment").isEqualTo(PSH);

    // What the kernel's TCP segmentation would hand the stack: the original segments.
    List<byte[]> segments = segment(f);
    assertThat(segments).hasSize(5);
    for (int i = 0; i < 5; i++) {
      assertThat(segments.get(i)).as("segment %d", i).isEqualTo(sent.get(i));
    }
  }

  @Test
  void aLoneSegmentGoesOutUnchangedWithAnEmptyHeader() {
    byte[] p = tcp(5, 100, ACK, (byte) 9);
    coalescer.add(ByteBuffer.wrap(p), sink);
    coalescer.flush(sink);
    assertThat(frames).hasSize(1);
    Frame f = frames.getFirst();
    assertThat(f.withHeader()).isTrue();
    assertThat(Arrays.copyOf(f.bytes(), 10)).containsOnly(0);
    assertThat(Arrays.copyOfRange(f.bytes(), 10, f.bytes().length)).isEqualTo(p);
    coalescer.flush(sink);
    assertThat(frames).hasSize(1); // nothing pending any more
  }

  @Test
  void keepsOrderAndMergesNothingItMustNot() {
    byte[] a = tcp(1000, 1000, ACK, (byte) 1);
    byte[] gap = tcp(3000, 1000, ACK, (byte) 2); // not adjacent
    byte[] udp = udp();
    byte[] b = tcp(4000, 1000, ACK, (byte) 3);
    byte[] badSum = tcp(5000, 1000, ACK, (byte) 4);
    badSum[badSum.length - 1] ^= 1;
    byte[] c = tcp(6000, 1000, ACK, (byte) 5);
    byte[] syn = tcp(7000, 1000, ACK | 0x02, (byte) 6);
    byte[] d = tcp(8000, 500, ACK, (byte) 7);
    byte[] larger = tcp(8500, 600, ACK, (byte) 8); // larger after a smaller one
    byte[] otherFlow = tcp(9100, 100, ACK, (byte) 9);
    otherFlow[21] ^= 1; // source port
    fixChecksum(otherFlow);
    for (byte[] p : List.of(a, gap, udp, b, badSum, c, syn, d, larger, otherFlow)) {
      coalescer.add(ByteBuffer.wrap(p), sink);
    }
    coalescer.flush(sink);
    List<byte[]> written = frames.stream().map(f -> toArray(f.ip())).toList();
    assertThat(written).containsExactly(a, gap, udp, b, badSum, c, syn, d, larger, otherFlow);
    assertThat(frames.stream().mapToInt(Frame::packets).sum()).isEqualTo(10);
    assertThat(frames.get(2).withHeader()).as("non-TCP written bare").isFalse();
    assertThat(frames.get(4).withHeader()).as("bad checksum written bare").isFalse();
  }

  @Test
  void aPushedSegmentEndsTheSuperPacketAndSizesStayWithin64KiB() {
    int seq = 0;
    for (int i = 0; i < 100; i++) {
      coalescer.add(ByteBuffer.wrap(tcp(seq, 1448, i == 10 ? ACK | PSH : ACK, (byte) i)), sink);
      seq += 1448;
    }
    coalescer.flush(sink);
    assertThat(frames.getFirst().packets()).isEqualTo(11);
    assertThat(frames.stream().mapToInt(Frame::packets).sum()).isEqualTo(100);
    assertThat(frames).allSatisfy(f -> assertThat(f.ipLength()).isLessThanOrEqualTo(65535));
    List<byte[]> all = new ArrayList<>();
    frames.forEach(f -> all.addAll(segment(f)));
    int expectedSeq = 0;
    for (byte[] s : all) {
      assertThat(ByteBuffer.wrap(s).getInt(24)).isEqualTo(expectedSeq);
      expectedSeq += 1448;
    }
  }

  @Test
  void checksumSumMatchesAWordByWordSumForEveryLengthAndOffset() {
    java.util.Random random = new java.util.Random(7);
    byte[] data = new byte[80];
    random.nextBytes(data);
    ByteBuffer b = ByteBuffer.wrap(data);
    for (int at = 0; at < 3; at++) {
      for (int len = 0; len <= 70; len++) {
        long expected = 0;
        for (int i = 0; i < len; i += 2) {
          int hi = data[at + i] & 0xFF;
          int lo = i + 1 < len ? data[at + i + 1] & 0xFF : 0;
          expected += hi << 8 | lo;
        }
        assertThat(TcpCoalescer.fold(TcpCoalescer.sum(b, at, len, 0)))
            .as("at %d len %d", at, len)
            .isEqualTo(TcpCoalescer.fold(expected));
      }
    }
  }

  /** The kernel's TCP segmentation of a frame (IP ids left as the first segment's). */
  private static List<byte[]> segment(Frame f) {
    ByteBuffer ip = f.ip();
    if (f.gsoType() == 0) {
      return List.of(toArray(ip));
    }
    int hdr = f.header(2);
    int gso = f.header(4);
    List<byte[]> out = new ArrayList<>();
    int seq = ip.getInt(24);
    for (int at = hdr; at < ip.limit(); at += gso) {
      int data = Math.min(gso, ip.limit() - at);
      byte[] s = new byte[hdr + data];
      ip.get(0, s, 0, hdr);
      ip.get(at, s, hdr, data);
      ByteBuffer b = ByteBuffer.wrap(s);
      b.putShort(2, (short) s.length);
      b.putInt(24, seq);
      if (at + data < ip.limit()) {
        s[33] &= (byte) ~PSH;
      }
      seq += data;
      fixChecksum(s);
      out.add(s);
    }
    return out;
  }

  /** An IPv4/TCP segment 10.8.0.2:40000 -> 10.8.0.1:5201 with timestamps and a valid checksum. */
  private static byte[] tcp(int seq, int payload, int flags, byte fill) {
    byte[] p = new byte[20 + 32 + payload];
    ByteBuffer b = ByteBuffer.wrap(p);
    b.put(0, (byte) 0x45).putShort(2, (short) p.length).putShort(4, (short) 77);
    b.put(6, (byte) 0x40).put(8, (byte) 64).put(9, (byte) 6);
    b.put(12, new byte[] {10, 8, 0, 2, 10, 8, 0, 1});
    b.putShort(20, (short) 40000).putShort(22, (short) 5201).putInt(24, seq).putInt(28, 777);
    b.put(32, (byte) (8 << 4)).put(33, (byte) flags).putShort(34, (short) 500);
    b.put(40, new byte[] {1, 1, 8, 10, 0, 0, 1, 2, 0, 0, 3, 4}); // NOP NOP TS
    Arrays.fill(p, 52, p.length, fill);
    p[p.length - 1] = (byte) (seq >>> 3); // something that differs per segment
    fixChecksum(p);
    return p;
  }

  private static void fixChecksum(byte[] p) {
    ByteBuffer b = ByteBuffer.wrap(p);
    b.putShort(10, (short) 0);
    b.putShort(10, (short) ~TcpCoalescer.fold(TcpCoalescer.sum(b, 0, 20, 0)));
    b.putShort(36, (short) 0);
    long pseudo = (b.getInt(12) & 0xFFFFFFFFL) + (b.getInt(16) & 0xFFFFFFFFL) + 6 + p.length - 20;
    b.putShort(36, (short) ~TcpCoalescer.fold(TcpCoalescer.sum(b, 20, p.length - 20, pseudo)));
  }

  private static byte[] udp() {
    byte[] p = new byte[28 + 10];
    ByteBuffer.wrap(p).put(0, (byte) 0x45).putShort(2, (short) p.length).put(9, (byte) 17);
    return p;
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }

  @Test
  void sumMatchesBigEndianWordsForEveryLengthAndAlignment() {
    java.util.Random random = new java.util.Random(42);
    byte[] data = new byte[1600];
    random.nextBytes(data);
    for (int at = 0; at < 9; at++) {
      for (int len = 0; len <= 1500; len += (len < 40 ? 1 : 37)) {
        long expected = 7; // a seed, like the pseudo-header
        for (int i = 0; i < len; i += 2) {
          int hi = data[at + i] & 0xFF;
          int lo = i + 1 < len ? data[at + i + 1] & 0xFF : 0;
          expected += (hi << 8) | lo;
        }
        ByteBuffer heap = ByteBuffer.wrap(data);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(0, data);
        assertThat(TcpCoalescer.fold(TcpCoalescer.sum(heap, at, len, 7)))
            .as("at %d len %d", at, len)
            .isEqualTo(TcpCoalescer.fold(expected));
        assertThat(TcpCoalescer.fold(TcpCoalescer.sum(direct, at, len, 7)))
            .isEqualTo(TcpCoalescer.fold(expected));
      }
    }
  }
}
