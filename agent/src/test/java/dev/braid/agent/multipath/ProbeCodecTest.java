package dev.braid.agent.multipath;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.openvpn.data.DataPayload;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProbeCodecTest {
  private static byte[] probe() {
    byte[] b = new byte[ProbeCodec.PROBE_LENGTH];
    ProbeCodec.encodeProbe(
        b, 0, 3, 7, 42, true, 0xFFFF_FFFEL, -123_456_789_000L, 0b101L, 5_000_000_000L);
    return b;
  }

  @Test
  void probeAndReplyRoundTrip() {
    ProbeMessage m = new ProbeMessage();
    byte[] p = probe();
    assertThat(ProbeCodec.decode(p, 0, p.length, m)).isNull();
    assertThat(m.kind()).isEqualTo(ProbeMessage.PROBE);
    assertThat(m.pathId()).isEqualTo(3);
    assertThat(m.uplinkId()).isEqualTo(7);
    assertThat(m.weight()).isEqualTo(42);
    assertThat(m.backup()).isTrue();
    assertThat(m.sequence()).isEqualTo(0xFFFF_FFFEL);
    assertThat(m.sentNanos()).isEqualTo(-123_456_789_000L);
    assertThat(m.sendingSet()).isEqualTo(0b101L);
    assertThat(m.packetsReceived()).isEqualTo(5_000_000_000L);

    byte[] r = new byte[ProbeCodec.REPLY_LENGTH + 5];
    int n = ProbeCodec.encodeReply(r, 5, m, 99_000_000_000L, 1234, 17, 1L << 40, 3L << 50);
    assertThat(n).isEqualTo(ProbeCodec.REPLY_LENGTH);
    ProbeMessage reply = new ProbeMessage();
    assertThat(ProbeCodec.decode(r, 5, n, reply)).isNull();
    assertThat(reply.kind()).isEqualTo(ProbeMessage.REPLY);
    assertThat(reply.pathId()).isEqualTo(3);
    assertThat(reply.sequence()).isEqualTo(0xFFFF_FFFEL);
    assertThat(reply.echoedNanos()).isEqualTo(-123_456_789_000L);
    assertThat(reply.receivedNanos()).isEqualTo(99_000_000_000L);
    assertThat(reply.holdNanos()).isEqualTo(1234);
    assertThat(reply.probesReceived()).isEqualTo(17);
    assertThat(reply.packetsReceived()).isEqualTo(1L << 40);
    assertThat(reply.bytesReceived()).isEqualTo(3L << 50);
  }

  @Test
  void everyMalformationHasItsReason() {
    ProbeMessage m = new ProbeMessage();
    byte[] p = probe();
    assertThat(ProbeCodec.decode(p, 0, 17, m)).isEqualTo(ProbeDrop.TOO_SHORT);
    assertThat(ProbeCodec.decode(p, 0, p.length - 1, m)).isEqualTo(ProbeDrop.WRONG_LENGTH);
    assertThat(ProbeCodec.decode(Arrays.copyOf(p, p.length + 1), 0, p.length + 1, m))
        .isEqualTo(ProbeDrop.WRONG_LENGTH);
    assertThat(decodeWith(p, 0, (byte) 0x2d, m)).isEqualTo(ProbeDrop.NOT_A_PROBE);
    assertThat(decodeWith(p, 16, (byte) 2, m)).isEqualTo(ProbeDrop.UNKNOWN_VERSION);
    assertThat(decodeWith(p, 17, (byte) 3, m)).isEqualTo(ProbeDrop.UNKNOWN_KIND);
    assertThat(decodeWith(p, 19, (byte) 2, m)).isEqualTo(ProbeDrop.UNKNOWN_FLAGS);
    assertThat(decodeWith(p, 22, (byte) 1, m)).isEqualTo(ProbeDrop.RESERVED_NOT_ZERO);
    assertThat(decodeWith(p, 21, (byte) 0, m)).isEqualTo(ProbeDrop.BAD_WEIGHT);
    assertThat(decodeWith(p, 21, (byte) 101, m)).isEqualTo(ProbeDrop.BAD_WEIGHT);
    // a probe-length message of kind reply is the wrong length for a reply
    assertThat(decodeWith(p, 17, (byte) ProbeMessage.REPLY, m)).isEqualTo(ProbeDrop.WRONG_LENGTH);
  }

  private static ProbeDrop decodeWith(byte[] p, int at, byte value, ProbeMessage m) {
    byte[] b = p.clone();
    b[at] = value;
    return ProbeCodec.decode(b, 0, b.length, m);
  }

  /** Random and mutated bytes never throw; each gives a reason or a valid message. */
  @Test
  void arbitraryBytesNeverThrow() {
    Random random = new Random(12);
    ProbeMessage m = new ProbeMessage();
    byte[] valid = probe();
    for (int i = 0; i < 200_000; i++) {
      byte[] b;
      if (i % 2 == 0) {
        b = new byte[random.nextInt(100)];
        random.nextBytes(b);
      } else {
        b = Arrays.copyOf(valid, random.nextInt(80));
        if (b.length > 0) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
      }
      ProbeCodec.decode(b, 0, b.length, m); // must simply return
    }
  }

  /** Probes are told apart from OpenVPN's own in-band messages and from IP packets. */
  @Test
  void probesAreNotPingsOccOrIpPackets() {
    byte[] ping = DataPayload.PING_MAGIC;
    byte[] exit = DataPayload.occExit();
    byte[] ipv4 = new byte[40];
    ipv4[0] = 0x45;
    byte[] ipv6 = new byte[60];
    ipv6[0] = 0x60;
    for (byte[] b : new byte[][] {ping, exit, ipv4, ipv6}) {
      assertThat(ProbeCodec.isProbe(b, 0, b.length)).isFalse();
    }
    assertThat(ProbeCodec.MAGIC[0] >>> 4).as("not an IP version nibble").isEqualTo(2);
    assertThat(ProbeCodec.MAGIC).isNotEqualTo(ping);
    assertThat(Arrays.copyOf(exit, 16)).isNotEqualTo(ProbeCodec.MAGIC);
    byte[] p = probe();
    assertThat(ProbeCodec.isProbe(p, 0, p.length)).isTrue();
  }
}
