package dev.braid.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.braid.e2e.bench.MultipathFailover.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

class MultipathFailoverTest {
  private static final long RESTORED = 10_000_000_000L;
  private static final long STEP = 50_000_000L;

  /** Path A's byte counter every 50 ms from the restore on: {@code perStep(k)} bytes in step k. */
  private static List<Sample> samples(IntToLongFunction perStep) {
    List<Sample> samples = new ArrayList<>();
    long bytes = 1_000_000;
    for (int k = 0; k <= 40; k++) {
      samples.add(new Sample(RESTORED + k * STEP, bytes));
      bytes += perStep.applyAsLong(k);
    }
    return samples;
  }

  @Test
  void aPathIsBackWhenItCarriesTenPercentOfItsRateFor300Ms() {
    // 20 Mbit/s: 10% is 25 kB per 100 ms; from 0.6 s on, 20 kB every 50 ms
    List<Sample> s = samples(k -> k >= 12 ? 20_000 : 0);
    assertThat(MultipathFailover.backOnPath(s, RESTORED, Long.MAX_VALUE, 20))
        .isCloseTo(0.6, within(1e-9));
  }

  @Test
  void aBurstOfQueuedMessagesAloneIsNotTraffic() {
    // 300 kB in one 50 ms step (a stalled probe's backlog), then the probe's 6 kB per 50 ms
    List<Sample> s = samples(k -> k == 4 ? 300_000 : 6_000);
    assertThat(MultipathFailover.backOnPath(s, RESTORED, Long.MAX_VALUE, 20)).isNaN();
  }

  @Test
  void trafficAfterTheTransferEndedDoesNotCount() {
    List<Sample> s = samples(k -> k >= 12 ? 20_000 : 0);
    assertThat(MultipathFailover.backOnPath(s, RESTORED, RESTORED + 700_000_000L, 20)).isNaN();
    assertThat(MultipathFailover.backOnPath(s, RESTORED, RESTORED + 1_000_000_000L, 20))
        .isCloseTo(0.6, within(1e-9));
  }

  @Test
  void trafficBeforeTheRestoreDoesNotCount() {
    List<Sample> s = new ArrayList<>();
    long bytes = 0;
    for (int k = -20; k <= 40; k++) {
      s.add(new Sample(RESTORED + k * STEP, bytes));
      bytes += k < 0 ? 100_000 : 0;
    }
    assertThat(MultipathFailover.backOnPath(s, RESTORED, Long.MAX_VALUE, 20)).isNaN();
  }
}
