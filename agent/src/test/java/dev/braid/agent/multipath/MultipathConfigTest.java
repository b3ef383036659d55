package dev.braid.agent.multipath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MultipathConfigTest {
  private static final MultipathConfig.Builder DEFAULTS = MultipathConfig.defaults().toBuilder();

  @Test
  void schedulerNamesAreTheApisNames() {
    assertThat(SchedulerKind.fromConfigName("lowest-rtt")).isEqualTo(SchedulerKind.LOWEST_RTT);
    assertThat(SchedulerKind.fromConfigName("active-backup"))
        .isEqualTo(SchedulerKind.ACTIVE_BACKUP);
    assertThatThrownBy(() -> SchedulerKind.fromConfigName("round-robin"))
        .hasMessage(
            "unknown multipath scheduler 'round-robin', expected one of weighted, lowest-rtt,"
                + " redundant, active-backup");
  }

  @Test
  void badValuesAreRefusedWithTheFieldAndValue() {
    assertThatThrownBy(() -> DEFAULTS.probeInterval(Duration.ofMillis(5)).build())
        .hasMessage("multipath probeInterval must be 10ms..60s: PT0.005S");
    assertThatThrownBy(() -> MultipathConfig.defaults().toBuilder().maxPaths(65).build())
        .hasMessage("multipath maxPaths must be 1..64: 65");
    assertThatThrownBy(() -> MultipathConfig.defaults().toBuilder().suspectAfterMissed(5).build())
        .hasMessage("multipath suspectAfterMissed must be 1..downAfterMissed (4): 5");
    assertThatThrownBy(() -> MultipathConfig.defaults().toBuilder().lossBudget(0.2).build())
        .hasMessage("multipath lossBudget must be in [0, lossLimit 0.1): 0.2");
    assertThatThrownBy(() -> MultipathConfig.defaults().toBuilder().initialRate(0).build())
        .hasMessageContaining("initialRate 0");
    assertThatThrownBy(() -> new ReorderConfig(true, 0, 1, Duration.ZERO, Duration.ofMillis(1)))
        .hasMessage("reorder maxPackets must be 1..65536: 0");
    assertThatThrownBy(
            () -> new ReorderConfig(true, 1, 1, Duration.ofSeconds(1), Duration.ofMillis(1)))
        .hasMessageContaining("margin PT1S must be >= 0 and <= maxHold PT0.001S");
    assertThatThrownBy(() -> PathSpec.uplink("x", 0, 0, false))
        .hasMessage("weight must be 1..100: 0");
  }

  @Test
  void theBuilderChangesOnlyWhatItIsTold() {
    MultipathConfig c =
        MultipathConfig.defaults().toBuilder()
            .scheduler(SchedulerKind.REDUNDANT)
            .probeInterval(Duration.ofSeconds(1))
            .build();
    assertThat(c.scheduler()).isEqualTo(SchedulerKind.REDUNDANT);
    assertThat(c.probeInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.maxPaths()).isEqualTo(MultipathConfig.defaults().maxPaths());
    assertThat(c.reorder()).isEqualTo(MultipathConfig.defaults().reorder());
  }
}
