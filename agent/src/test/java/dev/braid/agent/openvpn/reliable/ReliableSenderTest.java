package dev.braid.agent.openvpn.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReliableSenderTest {
  private static final long MS = 1_000_000L;

  private static ReliableSender sendSix(ReliableConfig config) {
    ReliableSender s = new ReliableSender(config);
    for (int i = 0; i < 7; i++) {
      s.enqueue(4, new byte[] {(byte) i});
    }
    for (int i = 0; i < 6; i++) {
      assertThat(s.poll(0).reason()).isEqualTo(SendReason.NEW);
    }
    assertThat(s.poll(0)).isNull();
    assertThat(s.isBlocked()).isTrue();
    return s;
  }

  @Test
  void oldestPacketBlockingTheWindowIsResentAsSoonAsALaterIdIsAcked() {
    ReliableSender s = sendSix(ReliableConfig.braid());
    s.onAck(1, 50 * MS);

    Transmission t = s.poll(50 * MS);
    assertThat(t.messageId()).isZero();
    assertThat(t.reason()).isEqualTo(SendReason.BLOCKED);
    // only once per copy: the next resend needs new evidence or the timer
    assertThat(s.poll(51 * MS)).isNull();
  }

  @Test
  void upstreamModeWaitsForTheFixedTwoSecondTimerInstead() {
    ReliableSender s = sendSix(ReliableConfig.upstream26());
    s.onAck(1, 50 * MS);

    assertThat(s.poll(50 * MS)).isNull();
    assertThat(s.poll(1_999 * MS)).isNull();
    Transmission t = s.poll(2_000 * MS);
    assertThat(t.messageId()).isZero();
    assertThat(t.reason()).isEqualTo(SendReason.TIMEOUT);
  }

  @Test
  void threeLaterAcksTriggerAFastRetransmitWithoutABlockedWindow() {
    ReliableSender s = new ReliableSender(ReliableConfig.braid());
    for (int i = 0; i < 4; i++) {
      s.enqueue(4, new byte[] {(byte) i});
      s.poll(0);
    }
    s.onAck(1, 40 * MS);
    s.onAck(2, 40 * MS);
    assertThat(s.poll(40 * MS)).isNull();
    s.onAck(3, 41 * MS);
    Transmission t = s.poll(41 * MS);
    assertThat(t.messageId()).isZero();
    assertThat(t.reason()).isEqualTo(SendReason.FAST);
  }

  @Test
  void timeoutFollowsMeasuredRoundTripAndBacksOffToTheCap() {
    ReliableConfig config = ReliableConfig.braid();
    ReliableSender s = new ReliableSender(config);
    assertThat(s.currentTimeoutNanos()).isEqualTo(config.initialTimeout().toNanos());
    s.enqueue(4, new byte[1]);
    s.poll(0);
    s.onAck(0, 300 * MS);
    // first sample: srtt 300, rttvar 150 -> 300 + 4*150 = 900 ms
    assertThat(s.smoothedRttNanos()).isEqualTo(300 * MS);
    assertThat(s.currentTimeoutNanos()).isEqualTo(900 * MS);

    s.enqueue(4, new byte[1]);
    long t = 1_000 * MS;
    s.poll(t);
    long[] expectedGaps = {900, 1_800, 3_000, 3_000};
    for (long gap : expectedGaps) {
      assertThat(s.nextWakeupNanos() - t).isEqualTo(gap * MS);
      t = s.nextWakeupNanos();
      assertThat(s.poll(t).reason()).isEqualTo(SendReason.TIMEOUT);
    }
    // Karn: the ACK of a retransmitted packet is no sample
    s.onAck(1, t + 5 * MS);
    assertThat(s.smoothedRttNanos()).isEqualTo(300 * MS);
  }

  @Test
  void adaptiveTimeoutIsFlooredAtTheMinimum() {
    ReliableSender s = new ReliableSender(ReliableConfig.braid());
    for (int i = 0; i < 20; i++) {
      s.enqueue(4, new byte[1]);
      s.poll(i * 100 * MS);
      s.onAck(i, i * 100 * MS + MS);
    }
    assertThat(s.currentTimeoutNanos()).isEqualTo(Duration.ofMillis(200).toNanos());
  }

  @Test
  void acksAreMatchedAcrossThe32BitWrap() {
    ReliableSender s = new ReliableSender(ReliableConfig.braid(), 0xFFFF_FFFEL);
    for (int i = 0; i < 4; i++) {
      s.enqueue(4, new byte[1]);
    }
    assertThat(s.poll(0).messageId()).isEqualTo(0xFFFF_FFFE);
    assertThat(s.poll(0).messageId()).isEqualTo(0xFFFF_FFFF);
    assertThat(s.poll(0).messageId()).isZero();
    s.onAck(0xFFFF_FFFE, MS);
    s.onAck(0xFFFF_FFFF, MS);
    s.onAck(0, MS);
    s.onAck(7, MS);
    assertThat(s.counters().staleAcks()).isEqualTo(1);
    assertThat(s.poll(MS).messageId()).isEqualTo(1);
    s.onAck(1, 2 * MS);
    assertThat(s.isIdle()).isTrue();
  }
}
