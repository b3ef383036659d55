package dev.braid.agent.control;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.braid.api.config.InvalidConfigException;
import dev.braid.api.v1alpha1.VPNGatewayNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's control side running: config reload every two seconds, a status report whenever it
 * changes (checked every two seconds) and at least every {@code control.statusIntervalSeconds}, and
 * {@code /healthz}, {@code /readyz}, {@code /metrics} on {@code control.httpPort} (a taken port is
 * reported and retried, see {@link ControlServer}). Without a Kubernetes client (standalone mode)
 * it publishes nothing and serves the rest.
 */
public final class ControlPlane implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
  private static final Duration TICK = Duration.ofSeconds(2);

  private final ConfigReloader reloader;
  private final DataPlaneStatus dataPlane;
  private final StatusPublisher publisher;
  private final List<String> addresses;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final List<StatusContribution> contributions = new CopyOnWriteArrayList<>();
  private ControlServer http;

  private ControlPlane(
      ConfigReloader reloader,
      DataPlaneStatus dataPlane,
      StatusPublisher publisher,
      List<String> addresses,
      Clock clock) {
    this.reloader = reloader;
    this.dataPlane = dataPlane;
    this.publisher = publisher;
    this.addresses = addresses;
    this.clock = clock;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("braid-control").daemon().unstarted(r));
  }

  /**
   * Loads the config and starts the control side.
   *
   * @param configFile the config document
   * @param nodeName node name for a document without one (pod mode: {@code BRAID_NODE_NAME})
   * @param addresses addresses clients reach this node on (pod mode: {@code BRAID_HOST_IP})
   * @param client Kubernetes client for status, or null in standalone mode
   * @param httpPort port override for tests (0 picks a free port), or null for the config's
   * @throws InvalidConfigException when the first config is invalid: the agent must not start
   */
  public static ControlPlane start(
      Path configFile,
      String nodeName,
      List<String> addresses,
      DataPlaneStatus dataPlane,
      ConfigListener listener,
      KubernetesClient client,
      Integer httpPort,
      Clock clock)
      throws InvalidConfigException, IOException {
    ConfigReloader reloader = new ConfigReloader(configFile, nodeName, listener, clock);
    var config = reloader.current();
    StatusPublisher publisher =
        client == null
            ? null
            : new StatusPublisher(
                client, Duration.ofSeconds(config.control().statusIntervalSeconds()));
    int port = httpPort != null ? httpPort : config.control().httpPort();
    ControlPlane plane =
        new ControlPlane(reloader, dataPlane, publisher, List.copyOf(addresses), clock);
    plane.http =
        ControlServer.start(
            port,
            Map.<String, HttpHandler>of(
                "/healthz",
                ex -> reply(ex, 200, "ok\n"),
                "/readyz",
                plane::ready,
                "/metrics",
                ex -> reply(ex, 200, plane.metrics())),
            clock);
    plane.scheduler.scheduleWithFixedDelay(plane::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    return plane;
  }

  /** The running config's reloader. */
  public ConfigReloader reloader() {
    return reloader;
  }

  /** Port of the health and metrics server (the configured one while another process holds it). */
  public int httpPort() {
    return http.port();
  }

  /** Adds {@code contribution}'s part to every status report from now on. */
  public void contribute(StatusContribution contribution) {
    contributions.add(contribution);
  }

  /**
   * One round: bind the control port if still needed, reload if changed, publish if changed or due.
   * Never throws.
   */
  void tick() {
    try {
      http.bind();
      reloader.poll();
      if (publisher != null) {
        VPNGatewayNode report =
            NodeReport.build(
                reloader.current(),
                addresses,
                dataPlane.snapshot(),
                reloader.lastError(),
                clock.instant());
        if (report.getStatus().lastError == null) {
          report.getStatus().lastError = http.error();
        }
        contributions.forEach(c -> c.addTo(report.getStatus()));
        publisher.publish(report, clock.instant());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("control round failed: {}", e.getMessage());
    }
  }

  /** Prometheus text. */
  String metrics() {
    return AgentMetrics.render(
        dataPlane.snapshot(),
        new AgentMetrics.ControlCounters(
            reloader.appliedCount(),
            reloader.refusedCount(),
            publisher == null ? 0 : publisher.writes(),
            publisher == null ? 0 : publisher.failures()));
  }

  private void ready(HttpExchange ex) throws IOException {
    boolean serving = dataPlane.snapshot().serving();
    reply(ex, serving ? 200 : 503, serving ? "serving\n" : "data plane not serving\n");
  }

  private static void reply(HttpExchange ex, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    http.close();
  }
}
