package dev.braid.agent.multipath;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReorderBufferTest {
  private static final long MS = 1_000_000;
  private static final long BOTH = 0b11;

  private final List<Integer> out = new ArrayList<>();
  private final ReorderCounters counters = new ReorderCounters();
  private final LinkOutput<Integer> sink =
      new LinkOutput<>() {
        @Override
        public void sendProbe(int pathId, byte[] payload, int off, int len) {}

        @Override
        public void deliver(Integer payload) {
          out.add(payload);
        }
      };

  private ReorderBuffer<Integer> buffer(ReorderConfig config) {
    return new ReorderBuffer<>(config, 8, counters);
  }

  private ReorderBuffer<Integer> buffer() {
    return buffer(ReorderConfig.defaults());
  }

  private void offer(ReorderBuffer<Integer> b, int path, int id, long now, long live) {
    b.offer(path, id, id, 100, now, live, sink);
  }

  @Test
  void inOrderPacketsPassAtOnceAndNothingIsHeld() {
    ReorderBuffer<Integer> b = buffer();
    for (int id = 1; id <= 10_000; id++) {
      offer(b, id % 2, id, id, BOTH);
      assertThat(out).hasSize(id);
    }
    assertThat(counters.held).isZero();
    assertThat(counters.releasedInOrder).isEqualTo(10_000);
    assertThat(b.deadlineNanos(10 * MS)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aPacketAfterAGapWaitsUntilTheGapFills() {
    ReorderBuffer<Integer> b = buffer();
    offer(b, 0, 1, 0, BOTH);
    offer(b, 0, 3, 1, BOTH);
    offer(b, 0, 4, 2, BOTH);
    assertThat(out).containsExactly(1);
    assertThat(b.deadlineNanos(10 * MS)).isEqualTo(1 + 10 * MS);
    offer(b, 1, 2, 3, BOTH); // the slow path delivers the missing one
    assertThat(out).containsExactly(1, 2, 3, 4);
    assertThat(counters.held).isEqualTo(2);
    assertThat(counters.heldNow).isZero();
    assertThat(counters.gapsGivenUp).containsOnly(0);
  }

  /** MLVPN#64: a lost packet is given up as soon as every path delivered a later id. */
  @Test
  void aGapIsGivenUpOnceEveryLivePathDeliveredALaterId() {
    ReorderBuffer<Integer> b = buffer();
    offer(b, 0, 1, 0, BOTH);
    offer(b, 0, 3, 1, BOTH);
    offer(b, 0, 5, 2, BOTH);
    assertThat(out).as("path 1 may still bring 2").containsExactly(1);
    offer(b, 1, 4, 3, BOTH);
    assertThat(out).containsExactly(1, 3, 4, 5);
    assertThat(counters.gapsGivenUp[GapReason.ALL_PATHS_PASSED.ordinal()]).isEqualTo(1);
    assertThat(counters.idsGivenUp).isEqualTo(1);
    offer(b, 1, 2, 4, BOTH);
    assertThat(out).as("a late packet is still delivered").endsWith(2);
    assertThat(counters.releasedLate).isEqualTo(1);
  }

  /**
   * With redundant sending, the slower copy is a duplicate, yet it shows its path passed the id.
   */
  @Test
  void aDuplicateShowsItsPathPassedTheId() {
    ReorderBuffer<Integer> b = buffer();
    offer(b, 0, 1, 0, BOTH);
    offer(b, 0, 3, 1, BOTH); // 2 lost on both paths
    assertThat(out).containsExactly(1);
    b.passed(1, 3, BOTH, sink); // path 1's copy of 3, dropped by the replay window as a duplicate
    assertThat(out).containsExactly(1, 3);
    assertThat(counters.gapsGivenUp[GapReason.ALL_PATHS_PASSED.ordinal()]).isEqualTo(1);
  }

  @Test
  void onlyLivePathsAreWaitedFor() {
    ReorderBuffer<Integer> b = buffer();
    offer(b, 0, 1, 0, 0b01);
    offer(b, 0, 3, 1, 0b01);
    assertThat(out).as("path 1 is silent, so not live").containsExactly(1, 3);
  }

  /**
   * A slow path that carries only probes: a missing id there is a probe, not worth waiting for.
   * Without the announcement the fast path's packets would wait for the slow path's next packet.
   */
  @Test
  void aPathThePeerDoesNotSendOnIsNotWaitedFor() {
    ReorderBuffer<Integer> b = buffer();
    offer(b, 0, 1, 0, BOTH);
    b.announce(1, 0b01, BOTH, false, BOTH, sink); // as of id 1 the peer sends on path 0 only
    offer(b, 0, 3, 1, BOTH); // id 2 is a probe still on its way over path 1
    assertThat(out).containsExactly(1, 3);
    b.offer(1, 2, ReorderBuffer.FILLER, 0, 2, BOTH, sink);
    assertThat(out).containsExactly(1, 3);
    assertThat(counters.releasedLate).isZero();

    ReorderBuffer<Integer> unannounced = buffer();
    out.clear();
    offer(unannounced, 0, 1, 0, BOTH);
    offer(unannounced, 0, 3, 1, BOTH);
    assertThat(out).as("without it, path 1 might carry id 2").containsExactly(1);
  }

  @Test
  void aPathThatLeftTheSendingSetIsStillWaitedForOlderIds() {
    ReorderBuffer<Integer> b = buffer();
    for (int id = 1; id <= 9; id++) {
      offer(b, 0, id, id, BOTH);
    }
    b.announce(10, BOTH, BOTH, false, BOTH, sink);
    b.offer(0, 10, ReorderBuffer.FILLER, 0, 10, BOTH, sink);
    b.announce(20, 0b01, BOTH, false, BOTH, sink); // path 1 stops carrying from id 20 on
    for (int id = 16; id <= 25; id++) {
      if (id == 20) {
        b.offer(0, 20, ReorderBuffer.FILLER, 0, 20, BOTH, sink); // the announcing probe
      } else {
        offer(b, 0, id, id, BOTH);
      }
    }
    assertThat(out).as("11..15 were sent on path 1 before it left").endsWith(9);
    for (int id = 11; id <= 15; id++) {
      offer(b, 1, id, 30 + id, BOTH);
    }
    assertThat(out).endsWith(15, 16, 17, 18, 19, 21, 22, 23, 24, 25);
    assertThat(counters.releasedLate).isZero();
  }

  @Test
  void aPathWeCannotSeeLeavesOnlyTheTimer() {
    ReorderBuffer<Integer> b = buffer();
    offer(b, 0, 1, 0, 0b01);
    b.announce(1, 0b01, 0b01, true, 0b01, sink); // the peer also sends on a path unknown here
    offer(b, 0, 3, 1, 0b01);
    assertThat(out).containsExactly(1);
    b.poll(1 + 20 * MS, 20 * MS, 0b01, sink);
    assertThat(out).containsExactly(1, 3);
    assertThat(counters.gapsGivenUp[GapReason.TIMEOUT.ordinal()]).isEqualTo(1);
  }

  @Test
  void theTimerGivesUpAGapThatNoRuleResolves() {
    ReorderBuffer<Integer> b = buffer();
    offer(b, 0, 1, 0, BOTH);
    offer(b, 0, 3, 5 * MS, BOTH);
    offer(b, 0, 6, 7 * MS, BOTH);
    assertThat(b.deadlineNanos(20 * MS)).isEqualTo(25 * MS);
    b.poll(25 * MS - 1, 20 * MS, BOTH, sink);
    assertThat(out).containsExactly(1);
    b.poll(25 * MS, 20 * MS, BOTH, sink);
    assertThat(out).containsExactly(1, 3);
    assertThat(b.deadlineNanos(20 * MS)).as("6 has waited since 7 ms").isEqualTo(27 * MS);
    b.poll(27 * MS, 20 * MS, BOTH, sink);
    assertThat(out).containsExactly(1, 3, 6);
    assertThat(counters.gapsGivenUp[GapReason.TIMEOUT.ordinal()]).isEqualTo(2);
    assertThat(counters.idsGivenUp).isEqualTo(3);
  }

  @Test
  void theLimitsGiveUpTheOldestGap() {
    ReorderConfig small = new ReorderConfig(true, 4, 250, Duration.ZERO, Duration.ofSeconds(1));
    ReorderBuffer<Integer> b = buffer(small);
    offer(b, 0, 1, 0, BOTH);
    offer(b, 0, 3, 0, BOTH); // 100 bytes held
    offer(b, 0, 4, 0, BOTH); // 200
    offer(b, 0, 6, 0, BOTH); // 300 > 250: give up 2, release 3 and 4
    assertThat(out).containsExactly(1, 3, 4);
    assertThat(counters.gapsGivenUp[GapReason.OVERFLOW.ordinal()]).isEqualTo(1);
    offer(b, 0, 100, 0, BOTH); // beyond the ring of 4: give up 5, release 6, then 100 in order
    assertThat(out).containsExactly(1, 3, 4, 6, 100);
    assertThat(counters.heldNow).isZero();
    assertThat(counters.heldBytesNow).isZero();
  }

  @Test
  void aSecondCopyOfAHeldPacketIsDropped() {
    ReorderBuffer<Integer> b = buffer();
    offer(b, 0, 1, 0, BOTH);
    offer(b, 0, 3, 0, BOTH);
    offer(b, 0, 3, 0, BOTH);
    assertThat(counters.duplicatesDropped).isEqualTo(1);
    offer(b, 1, 2, 0, BOTH);
    assertThat(out).containsExactly(1, 2, 3);
  }

  @Test
  void theRingGrowsWithoutLosingHeldPackets() {
    ReorderBuffer<Integer> b = buffer();
    for (int id = 2; id <= 1500; id++) {
      offer(b, 0, id, 0, BOTH);
    }
    assertThat(out).isEmpty();
    offer(b, 1, 1, 0, BOTH);
    assertThat(out).hasSize(1500).isSorted();
  }

  @Test
  void aNewKeyReleasesWhatIsHeldAndStartsAtOne() {
    ReorderBuffer<Integer> b = buffer();
    offer(b, 0, 1, 0, BOTH);
    offer(b, 0, 3, 0, BOTH);
    b.restart(sink);
    assertThat(out).containsExactly(1, 3);
    offer(b, 0, 1, 0, BOTH);
    assertThat(out).containsExactly(1, 3, 1);
    assertThat(counters.gapsGivenUp[GapReason.KEY_RESTART.ordinal()]).isEqualTo(1);
  }
}
