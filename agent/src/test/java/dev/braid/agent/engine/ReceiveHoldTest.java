package dev.braid.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiveHoldTest {
  private long now = 5_000_000_000L;
  private final List<Long> parked = new ArrayList<>();

  private ReceiveHold hold(int micros) {
    return new ReceiveHold(
        micros,
        () -> now,
        nanos -> {
          parked.add(nanos);
          now += nanos;
        });
  }

  @Test
  void theFirstPacketIsReceivedAtOnce() {
    ReceiveHold h = hold(200);
    h.beforeReceive();
    assertThat(parked).isEmpty();
  }

  @Test
  void packetsFollowingWithinAMillisecondWaitOneHold() {
    ReceiveHold h = hold(200);
    h.beforeReceive();
    h.received(now);
    now += 30_000; // the worker handled the batch; the socket is readable again
    assertThat(h.beforeReceive()).as("held").isTrue();
    assertThat(parked).containsExactly(200_000L);
    h.received(now);
    now += 999_000;
    h.beforeReceive();
    assertThat(parked).containsExactly(200_000L, 200_000L);
    assertThat(h.holds()).isEqualTo(2);
  }

  @Test
  void anIsolatedPacketIsNotDelayed() {
    ReceiveHold h = hold(200);
    h.received(now);
    now += ReceiveHold.STREAMING_NANOS; // a ping every second, a keepalive, a handshake packet
    assertThat(h.beforeReceive()).as("held").isFalse();
    assertThat(parked).isEmpty();
  }

  @Test
  void zeroTurnsItOff() {
    ReceiveHold h = hold(0);
    h.received(now);
    now += 1_000;
    h.beforeReceive();
    assertThat(parked).isEmpty();
    assertThat(h.holds()).isZero();
  }

  @Test
  void aNegativeHoldIsRefused() {
    assertThatThrownBy(() -> hold(-1)).hasMessageContaining("must not be negative: -1");
  }
}
