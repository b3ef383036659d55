package dev.braid.agent.openvpn.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.openvpn.wire.DropReason;
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
}
