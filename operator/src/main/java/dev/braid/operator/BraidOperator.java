package dev.braid.operator;

import dev.braid.operator.model.GatewayNames;
import dev.braid.operator.reconciler.VPNClientReconciler;
import dev.braid.operator.reconciler.VPNGatewayReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
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

  /**
   * Test-only switch: {@code -Dbraid.test.josdk-lease-handling=true} leaves the Lease to JOSDK
   * alone (exit on stop leading, no hand-over), to show what {@link Leadership} fixes.
   */
  static final String JOSDK_LEASE_HANDLING = "braid.test.josdk-lease-handling";

  private final Operator operator;
  private final HealthServer health;
  private final Leadership handOver;
  private final KubernetesClient client;

  /** {@code handOver} null: stop without releasing the Lease. */
  private BraidOperator(
      Operator operator, HealthServer health, Leadership handOver, KubernetesClient client) {
    this.operator = operator;
    this.health = health;
    this.handOver = handOver;
    this.client = client;
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
    PrometheusMeterRegistry registry = OperatorMetrics.registry();
    Leadership leadership = new Leadership(settings, registry);
    boolean josdkLeaseHandling = Boolean.getBoolean(JOSDK_LEASE_HANDLING);
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withMetrics(OperatorMetrics.josdk(registry))
                  // ConfigMaps and Secrets too: every dependent is applied server-side
                  .withDefaultNonSSAResource(Set.of())
                  .withUseSSAToPatchPrimaryResource(true)
                  .withReconciliationTerminationTimeout(Duration.ofSeconds(10));
              if (settings.leaderElection()) {
                // exitOnStopLeading=false: JOSDK would call System.exit also when we stop
                // (from inside the shutdown hook, which hangs the JVM); Leadership decides
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        OperatorSettings.LEASE_NAME,
                        settings.leaseNamespace(),
                        settings.lease().duration(),
                        settings.lease().renewDeadline(),
                        settings.lease().retryPeriod(),
                        settings.identity(),
                        leadership.callbacks(exitOnLostLease),
                        josdkLeaseHandling && exitOnLostLease));
              }
            });
    operator.register(new VPNGatewayReconciler());
    operator.register(new VPNClientReconciler());
    HealthServer health = HealthServer.start(settings.httpPort(), operator, leadership, registry);
    operator.start();
    LOG.info(
        "braid operator started: identity={} fieldManager={} agentImage={} leaderElection={}"
            + " http=:{}",
        settings.identity(),
        GatewayNames.FIELD_MANAGER,
        settings.agentImage(),
        settings.leaderElection(),
        health.port());
    return new BraidOperator(operator, health, josdkLeaseHandling ? null : leadership, client);
  }

  /** Port of the health and metrics server. */
  public int httpPort() {
    return health.port();
  }

  /**
   * Stops reconciling, then hands the Lease over (a standby leads within its retry period), then
   * stops serving probes.
   */
  @Override
  public void close() {
    if (handOver != null) {
      handOver.stopping();
    }
    operator.stop();
    if (handOver != null) {
      handOver.release(client);
    }
    health.close();
    LOG.info("braid operator stopped");
  }
}
