package dev.braid.agent.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.multipath.MultipathConfig;
import dev.braid.agent.multipath.SchedulerKind;
import dev.braid.api.v1alpha1.MultipathSettings;
import dev.braid.api.v1alpha1.ReorderSettings;
import dev.braid.api.v1alpha1.Scheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MultipathSetupTest {
  @Test
  void unsetSettingsGiveTheDefaults() {
    MultipathConfig c = MultipathSetup.from(null);
    assertThat(c.scheduler()).isEqualTo(SchedulerKind.WEIGHTED);
    assertThat(c.probeInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.reorder().enabled()).isTrue();
    assertThat(c.reorder().maxHold()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void everyFieldReachesTheSessionTuning() {
    MultipathSettings s = new MultipathSettings();
    s.scheduler = Scheduler.LOWEST_RTT;
    s.probeIntervalMillis = 700;
    s.reorder = new ReorderSettings();
    s.reorder.maxHoldMillis = 5;
    MultipathConfig c = MultipathSetup.from(s);
    assertThat(c.scheduler()).isEqualTo(SchedulerKind.LOWEST_RTT);
    assertThat(c.probeInterval()).isEqualTo(Duration.ofMillis(700));
    assertThat(c.reorder().enabled()).isTrue();
    assertThat(c.reorder().maxHold()).isEqualTo(Duration.ofMillis(5));
    assertThat(c.reorder().margin()).isEqualTo(Duration.ofMillis(5)); // at most the bound

    s.reorder.enabled = false;
    assertThat(MultipathSetup.from(s).reorder().enabled()).isFalse();
    for (Scheduler k : Scheduler.values()) {
      s.scheduler = k;
      assertThat(MultipathSetup.from(s).scheduler().configName())
          .isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(k).asText());
    }
  }
}
