package dev.braid.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Super-packets and partial checksums as a TUN queue with segmentation offload hands them out
 * (built here the way the kernel leaves them: IP length of the whole, the TCP checksum field
 * holding only the pseudo-header sum) come out as packets a peer's kernel accepts.
 */
class TunSegmenterTest {
  private static final int TCP_HEADER = 32; // with timestamps
  private final Random random = new Random(7);

  @Test
  void anIpv4SuperPacketBecomesValidSegmentsInOrder() {
    byte[] payload = bytes(3500);
    ByteBuffer sp = superPacket4(payload, 0x08 | 0x10); // PSH|ACK
    TunSegmenter s = TunSegmenter.forReads(1);

    int n = s.split(vnet(TunSegmenter.GSO_TCPV4, 1000, 20), sp);

    assertThat(n).isEqualTo(4);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (int k = 0; k < n; k++) {
      ByteBuffer seg = s.segment(k);
      int data = k < 3 ? 1000 : 500;
      assertThat(seg.remaining()).isEqualTo(20 + TCP_HEADER + data);
      assertThat(seg.getShort(2) & 0xFFFF).isEqualTo(seg.remaining());
      assertThat(seg.getShort(4) & 0xFFFF).as("IP id").isEqualTo(0x1234 + k);
      assertThat(TcpCoalescer.fold(TcpCoalescer.sum(seg, 0, 20, 0)))
          .as("IP checksum")
          .isEqualTo(0xFFFF);
      assertThat(tcpChecksumValid4(seg)).as("TCP checksum of segment %d", k).isTrue();
      assertThat(seg.getInt(24)).as("seq").isEqualTo(1_000_000 + k * 1000);
      assertThat(seg.get(33) & 0x08).as("PSH only on the last").isEqualTo(k == 3 ? 0x08 : 0);
      joined.write(seg.array(), seg.arrayOffset() + seg.position() + 20 + TCP_HEADER, data);
    }
    assertThat(joined.toByteArray()).isEqualTo(payload);
  }

  @Test
  void segmentsMergeBackIntoTheSuperPacket() {
    byte[] payload = bytes(2896);
    TunSegmenter s = TunSegmenter.forReads(1);
    int n = s.split(vnet(TunSegmenter.GSO_TCPV4, 1448, 20), superPacket4(payload, 0x10));
    TcpCoalescer c = new TcpCoalescer();
    ByteBuffer[] merged = new ByteBuffer[1];
    int[] writes = new int[1];
    TcpCoalescer.Sink sink =
        (frame, withHeader, packets, bytes) -> {
          writes[0]++;
          ByteBuffer copy = ByteBuffer.allocate(frame.remaining()).put(frame.duplicate()).flip();
          merged[0] = copy;
        };
    for (int k = 0; k < n; k++) {
      c.add(s.segment(k), sink);
    }
    c.flush(sink);
    assertThat(writes[0]).as("the kernel's GRO rules accept our segments").isEqualTo(1);
    ByteBuffer ip = merged[0].position(TcpCoalescer.VNET_HDR).slice();
    assertThat(ip.remaining()).isEqualTo(20 + TCP_HEADER + payload.length);
    byte[] back = new byte[payload.length];
    ip.get(20 + TCP_HEADER, back);
    assertThat(back).isEqualTo(payload);
  }

  @Test
  void anIpv6SuperPacketBecomesValidSegments() {
    byte[] payload = bytes(2500);
    int tcpLength = TCP_HEADER + payload.length;
    ByteBuffer p = ByteBuffer.allocate(40 + tcpLength);
    p.put(0, (byte) 0x60);
    p.putShort(4, (short) tcpLength);
    p.put(6, (byte) 6);
    p.put(7, (byte) 64);
    for (int i = 8; i < 40; i++) {
      p.put(i, (byte) (i * 3));
    }
    tcp(p, 40, payload, 0x10);
    long pseudo = TcpCoalescer.sum(p, 8, 32, 0) + 6 + tcpLength;
    p.putShort(40 + 16, (short) TcpCoalescer.fold(pseudo));
    TunSegmenter s = TunSegmenter.forReads(1);

    int n = s.split(vnet(TunSegmenter.GSO_TCPV6, 1200, 40), p);

    assertThat(n).isEqualTo(3);
    for (int k = 0; k < n; k++) {
      ByteBuffer seg = s.segment(k);
      int segTcp = seg.remaining() - 40;
      assertThat(seg.getShort(4) & 0xFFFF).isEqualTo(segTcp);
      long sum = TcpCoalescer.sum(seg, 8, 32, 0) + 6 + segTcp;
      assertThat(TcpCoalescer.fold(TcpCoalescer.sum(seg, 40, segTcp, sum)))
          .as("TCP checksum of segment %d", k)
          .isEqualTo(0xFFFF);
    }
  }

  @Test
  void aPartialChecksumWithoutSegmentationIsCompleted() {
    byte[] data = bytes(301); // odd: the last byte is the high byte of a word
    ByteBuffer p = ByteBuffer.allocate(28 + data.length);
    p.put(0, (byte) 0x45);
    p.putShort(2, (short) p.capacity());
    p.put(8, (byte) 64);
    p.put(9, (byte) 17);
    p.putInt(12, 0x0a080001);
    p.putInt(16, 0x0a080002);
    p.putShort(20, (short) 53);
    p.putShort(22, (short) 40000);
    p.putShort(24, (short) (8 + data.length));
    p.put(28, data);
    long pseudo = TcpCoalescer.sum(p, 12, 8, 0) + 17 + 8 + data.length;
    p.putShort(26, (short) TcpCoalescer.fold(pseudo)); // as the kernel leaves it
    ByteBuffer h = vnet(TunSegmenter.GSO_NONE, 0, 20);
    h.put(9, (byte) 0);
    h.put(8, (byte) 6); // csum_offset 6: the UDP checksum field

    TunSegmenter s = TunSegmenter.forReads(1);
    assertThat(s.split(h, p)).isEqualTo(1);

    ByteBuffer out = s.segment(0);
    assertThat(TcpCoalescer.fold(TcpCoalescer.sum(out, 20, 8 + data.length, pseudo - 0)))
        .isEqualTo(0xFFFF);
  }

  @Test
  void whatItCannotSegmentIsRefusedNotGuessed() {
    TunSegmenter s = TunSegmenter.forReads(1);
    ByteBuffer udpGso = vnet(5, 1000, 20); // VIRTIO_NET_HDR_GSO_UDP_L4
    assertThat(s.split(udpGso, superPacket4(bytes(3000), 0x10))).isEqualTo(-1);
    assertThat(s.count()).isZero();
  }

  private static boolean tcpChecksumValid4(ByteBuffer seg) {
    int tcpLength = seg.remaining() - 20;
    long sum = TcpCoalescer.sum(seg, 12, 8, 0) + 6 + tcpLength;
    return TcpCoalescer.fold(TcpCoalescer.sum(seg, 20, tcpLength, sum)) == 0xFFFF;
  }

  private ByteBuffer superPacket4(byte[] payload, int flags) {
    int total = 20 + TCP_HEADER + payload.length;
    ByteBuffer p = ByteBuffer.allocate(total);
    p.put(0, (byte) 0x45);
    p.putShort(2, (short) total);
    p.putShort(4, (short) 0x1234);
    p.putShort(6, (short) 0x4000);
    p.put(8, (byte) 64);
    p.put(9, (byte) 6);
    p.putInt(12, 0x0a080001);
    p.putInt(16, 0x0a080002);
    p.putShort(10, (short) ~TcpCoalescer.fold(TcpCoalescer.sum(p, 0, 20, 0)));
    tcp(p, 20, payload, flags);
    long pseudo = TcpCoalescer.sum(p, 12, 8, 0) + 6 + TCP_HEADER + payload.length;
    p.putShort(20 + 16, (short) TcpCoalescer.fold(pseudo)); // CHECKSUM_PARTIAL
    return p;
  }

  private static void tcp(ByteBuffer p, int at, byte[] payload, int flags) {
    p.putShort(at, (short) 5201);
    p.putShort(at + 2, (short) 40000);
    p.putInt(at + 4, 1_000_000);
    p.putInt(at + 8, 77);
    p.put(at + 12, (byte) ((TCP_HEADER / 4) << 4));
    p.put(at + 13, (byte) flags);
    p.putShort(at + 14, (short) 500);
    p.put(at + 20, (byte) 1); // NOP, NOP, timestamps
    p.put(at + 21, (byte) 1);
    p.put(at + 22, (byte) 8);
    p.put(at + 23, (byte) 10);
    p.putInt(at + 24, 42);
    p.putInt(at + 28, 43);
    p.put(at + TCP_HEADER, payload);
  }

  private static ByteBuffer vnet(int gsoType, int gsoSize, int csumStart) {
    ByteBuffer h = ByteBuffer.allocate(TunSegmenter.VNET_HDR).order(ByteOrder.LITTLE_ENDIAN);
    h.put(0, (byte) TunSegmenter.F_NEEDS_CSUM);
    h.put(1, (byte) gsoType);
    h.putShort(4, (short) gsoSize);
    h.putShort(6, (short) csumStart);
    h.putShort(8, (short) 16);
    return h;
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
