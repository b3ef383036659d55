package dev.braid.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.operator.OperatorSettings.LeaseTiming;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {
  @Test
  void durationsTakeAUnitOrMeanSeconds() {
    assertThat(OperatorSettings.parseDuration("X", "15s")).isEqualTo(Duration.ofSeconds(15));
    assertThat(OperatorSettings.parseDuration("X", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(OperatorSettings.parseDuration("X", "2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(OperatorSettings.parseDuration("X", " 7 ")).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void aMalformedDurationNamesTheVariable() {
    assertThatThrownBy(() -> OperatorSettings.parseDuration("BRAID_LEASE_DURATION", "15 sec"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("BRAID_LEASE_DURATION=15 sec: expected a duration");
  }

  @Test
  void leaseTimingMustBeRetryBelowRenewBelowDuration() {
    assertThat(LeaseTiming.DEFAULT.duration()).isEqualTo(Duration.ofSeconds(15));
    assertThatThrownBy(
            () ->
                new LeaseTiming(
                    Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BRAID_LEASE_RENEW_DEADLINE (PT10S) < BRAID_LEASE_DURATION (PT10S)");
    assertThatThrownBy(
            () -> new LeaseTiming(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachSettingsObjectWithoutAnIdentityGetsItsOwn() {
    var one = new OperatorSettings("img", 0, true, "braid-system");
    var two = new OperatorSettings("img", 0, true, "braid-system");
    assertThat(one.identity()).startsWith("braid-operator-").isNotEqualTo(two.identity());
    assertThat(one.lease()).isEqualTo(LeaseTiming.DEFAULT);
  }
}
