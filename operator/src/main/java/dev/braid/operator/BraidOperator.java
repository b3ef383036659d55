package dev.braid.operator;

import dev.braid.operator.model.GatewayNames;
import dev.braid.operator.reconciler.VPNClientReconciler;
import dev.braid.operator.reconciler.VPNGatewayReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: reconciles VPNGateway and VPNClient objects in every namespace with the credentials
 * of the current kubeconfig or in-cluster ServiceAccount.
 */
public final class BraidOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BraidOperator.class);

  private final Operator operator;
  private final HealthServer health;

  private BraidOperator(Operator operator, HealthServer health) {
    this.operator = operator;
    this.health = health;
  }

  /** Runs until the JVM is stopped. */
  public static void main(String[] args) throws IOException {
    OperatorSettings settings = OperatorSettings.current();
    BraidOperator running = start(new KubernetesClientBuilder().build(), settings, true);
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "braid-operator-shutdown"));
  }

  /**
   * Starts the reconcilers and the health server; the caller owns the client.
   *
   * @param exitOnLostLease end the JVM when leadership is lost (a process must not reconcile
   *     without the Lease); false for operators embedded in tests
   */
  public static BraidOperator start(
      KubernetesClient client, OperatorSettings settings, boolean exitOnLostLease)
      throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                  // ConfigMaps and Secrets too: every dependent is applied server-side
                  .withDefaultNonSSAResource(Set.of())
                  .withUseSSAToPatchPrimaryResource(true)
                  .withReconciliationTerminationTimeout(Duration.ofSeconds(10));
              if (settings.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        OperatorSettings.LEASE_NAME,
                        settings.leaseNamespace(),
                        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                        null,
                        null,
                        exitOnLostLease));
              }
            });
    operator.register(new VPNGatewayReconciler());
    operator.register(new VPNClientReconciler());
    HealthServer health = HealthServer.start(settings.httpPort(), operator, registry);
    operator.start();
    LOG.info(
        "braid operator started: fieldManager={} agentImage={} leaderElection={} http=:{}",
        GatewayNames.FIELD_MANAGER,
        settings.agentImage(),
        settings.leaderElection(),
        health.port());
    return new BraidOperator(operator, health);
  }

  /** Port of the health and metrics server. */
  public int httpPort() {
    return health.port();
  }

  @Override
  public void close() {
    operator.stop();
    health.close();
  }
}
