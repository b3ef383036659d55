package dev.braid.operator;

import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/**
 * The operator's Prometheus registry. JOSDK counts reconciliations per resource (tags {@code name},
 * {@code namespace}), which stays small and is removed after a resource is deleted; its
 * reconcile-duration histogram would also be per resource (some 70 series each, never removed), so
 * that one is kept per controller.
 */
final class OperatorMetrics {
  /** Prefix of JOSDK's per-execution timers. */
  static final String EXECUTION_TIMERS = "operator.sdk.controllers.execution.";

  private static final List<String> RESOURCE_TAGS = List.of("resource.name", "resource.namespace");

  private OperatorMetrics() {}

  /** A registry with JVM memory metrics and the per-controller histogram filter. */
  static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(timersPerController());
    new JvmMemoryMetrics().bindTo(registry);
    return registry;
  }

  /** JOSDK's metrics on that registry, per resource, dropped five minutes after a deletion. */
  static MicrometerMetrics josdk(PrometheusMeterRegistry registry) {
    return MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry)
        .withCleanUpDelayInSeconds(300)
        .withCleaningThreadNumber(1)
        .build();
  }

  private static MeterFilter timersPerController() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith(EXECUTION_TIMERS)) {
          return id;
        }
        List<Tag> kept =
            id.getTags().stream().filter(t -> !RESOURCE_TAGS.contains(t.getKey())).toList();
        return id.replaceTags(kept);
      }
    };
  }
}
