package dev.braid.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {
  @Test
  void reconcileTimersArePerControllerNotPerResource() {
    var registry = OperatorMetrics.registry();
    for (String name : new String[] {"hq", "branch"}) {
      Timer.builder(OperatorMetrics.EXECUTION_TIMERS + "reconcile")
          .tags("controller", "vpngateway", "resource.name", name, "resource.namespace", "ns")
          .publishPercentileHistogram()
          .register(registry)
          .record(Duration.ofMillis(5));
    }
    registry.counter("operator.sdk.reconciliations.started", "name", "hq").increment();

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains(
            "operator_sdk_controllers_execution_reconcile_seconds_count{controller=\"vpngateway\"}"
                + " 2")
        .doesNotContain("resource_name=")
        .contains("operator_sdk_reconciliations_started_total{name=\"hq\"} 1.0")
        .contains("jvm_memory_used_bytes");
  }
}
