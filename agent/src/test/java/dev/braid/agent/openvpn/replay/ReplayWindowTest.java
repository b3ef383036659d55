package dev.braid.agent.openvpn.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.agent.openvpn.wire.DropReason;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {
  private static final long S = 1_000_000_000L;

  private static DropReason offer(ReplayWindow w, long epoch, int id, long now) {
    DropReason r = w.check(epoch, id, now);
    if (r == null) {
      w.accept(epoch, id, now);
    }
    return r;
  }

  @Test
  void acceptsReorderingWithinWindowOnceAndRejectsTheRest() {
    ReplayWindow w = ReplayWindow.openvpnDefault();
    assertThat(offer(w, 0, 0, 0)).isEqualTo(DropReason.REPLAY_ID_ZERO);
    assertThat(offer(w, 0, 1, 0)).isNull();
    assertThat(offer(w, 0, 100, 0)).isNull();
    assertThat(offer(w, 0, 37, 0)).isNull();
    assertThat(offer(w, 0, 37, 0)).isEqualTo(DropReason.REPLAY);
    assertThat(offer(w, 0, 100, 0)).isEqualTo(DropReason.REPLAY);
    assertThat(offer(w, 0, 36, 0)).isEqualTo(DropReason.REPLAY_TOO_OLD);
    assertThat(offer(w, 0, 99, 0)).isNull();
  }

  @Test
  void lateReorderedPacketIsRejectedAfterFifteenSeconds() {
    ReplayWindow w = ReplayWindow.openvpnDefault();
    offer(w, 0, 1, 0);
    offer(w, 0, 5, S);
    assertThat(offer(w, 0, 3, 15 * S)).isNull();
    assertThat(offer(w, 0, 4, 17 * S)).isEqualTo(DropReason.REPLAY_TOO_OLD);
  }

  @Test
  void newerEpochRestartsOlderEpochIsRejected() {
    ReplayWindow w = ReplayWindow.openvpnDefault();
    offer(w, 1000, 50, 0);
    assertThat(offer(w, 1001, 1, 0)).isNull();
    assertThat(offer(w, 1000, 51, 0)).isEqualTo(DropReason.REPLAY_TOO_OLD);
    assertThat(offer(w, 1001, 1, 0)).isEqualTo(DropReason.REPLAY);
  }

  @Test
  void wideWindowAcceptsPacketsThousandsBehindOnceAndStillRejectsDuplicates() {
    ReplayWindow w = ReplayWindow.ofSize(4096);
    for (int id = 1; id <= 10_000; id += 2) { // the fast path carries the odd ids
      assertThat(offer(w, 0, id, 0)).isNull();
    }
    int behind = 9_999 - 3_000;
    assertThat(offer(w, 0, behind - 1, 0)).as("3000 behind, not yet seen").isNull();
    assertThat(offer(w, 0, behind - 1, 0)).as("the same id again").isEqualTo(DropReason.REPLAY);
    assertThat(offer(w, 0, behind, 0)).as("seen on the fast path").isEqualTo(DropReason.REPLAY);
    assertThat(offer(w, 0, 9_999 - 4_094, 0)).isEqualTo(DropReason.REPLAY);
    assertThat(offer(w, 0, 9_999 - 4_095, 0)).as("the oldest id the window holds").isNull();
    assertThat(offer(w, 0, 9_999 - 4_096, 0)).isEqualTo(DropReason.REPLAY_TOO_OLD);
    assertThat(ReplayWindow.openvpnDefault().size()).isEqualTo(64);
  }

  @Test
  void sizesOutsideOpenvpnsRangeAreRefused() {
    assertThatThrownBy(() -> ReplayWindow.ofSize(0)).hasMessageContaining("1..65536: 0");
    assertThatThrownBy(() -> ReplayWindow.ofSize(65537)).hasMessageContaining("65537");
    assertThat(ReplayWindow.ofSize(65536).size()).isEqualTo(65536);
  }

  /** The bitmap decides exactly as a set of every id ever accepted would, for several sizes. */
  @Test
  void bitmapMatchesAPlainSetOnRandomReordering() {
    Random random = new Random(7);
    for (int size : new int[] {1, 63, 64, 65, 100, 4096, 65536}) {
      ReplayWindow w = ReplayWindow.ofSize(size);
      Set<Integer> accepted = new HashSet<>();
      int highest = 0;
      for (int n = 0; n < 200_000; n++) {
        int jump = random.nextInt(10) == 0 ? random.nextInt(3 * size + 2) : random.nextInt(4);
        int id =
            random.nextBoolean()
                ? highest + jump
                : Math.max(0, highest - random.nextInt(Math.min(size + 3, 70_000)));
        DropReason expected;
        if (id == 0) {
          expected = DropReason.REPLAY_ID_ZERO;
        } else if (id > highest) {
          expected = null;
        } else if (highest - id >= size) {
          expected = DropReason.REPLAY_TOO_OLD;
        } else {
          expected = accepted.contains(id) ? DropReason.REPLAY : null;
        }
        assertThat(offer(w, 0, id, 0))
            .as("size %d id %d highest %d", size, id, highest)
            .isEqualTo(expected);
        if (expected == null) {
          accepted.add(id);
          highest = Math.max(highest, id);
        }
      }
    }
  }

  /** Steps closer than 1/32 of the limit share a time, which may only expire ids earlier. */
  @Test
  void timeLimitHoldsWithManySteps() {
    ReplayWindow w = ReplayWindow.ofSize(4096);
    long ms = 1_000_000L;
    for (int id = 1; id <= 3000; id++) {
      if (id % 2 == 1) {
        offer(w, 0, id, id * 10 * ms); // one advance every 20 ms for 30 s
      }
    }
    long now = 3000 * 10 * ms;
    // id 2990 was passed at 29.91 s: 0.1 s ago, accepted; id 1000 was passed 20 s ago.
    assertThat(offer(w, 0, 2990, now)).isNull();
    assertThat(offer(w, 0, 1000, now)).isEqualTo(DropReason.REPLAY_TOO_OLD);
    // id 1600 was passed at 16.01 s, 13.99 s ago: within 15 s by more than the step resolution.
    assertThat(offer(w, 0, 1600, now)).isNull();
  }
}
