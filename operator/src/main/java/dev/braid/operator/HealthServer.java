package dev.braid.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@code /healthz} (the process answers), {@code /readyz} (started and every informer healthy) and
 * {@code /metrics} (Prometheus text) on one port.
 *
 * <p>A standby replica is live and ready too: its informers are synced so it can lead at once, and
 * a rollout of the Deployment must not wait for a replica that cannot lead until the old leader is
 * gone. Both bodies name the role ({@code leader <id>} or {@code standby <id>, leader is <id>});
 * the gauge {@code braid_operator_leader} carries it for dashboards.
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  private HealthServer(HttpServer server) {
    this.server = server;
  }

  /** Starts serving on the port (0 picks a free one). */
  static HealthServer start(
      int port, Operator operator, Leadership leadership, PrometheusMeterRegistry registry)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
    server.createContext("/healthz", ex -> reply(ex, 200, "ok: " + leadership.describe() + "\n"));
    server.createContext(
        "/readyz",
        ex -> {
          var info = operator.getRuntimeInfo();
          boolean ready = info.isStarted() && info.allEventSourcesAreHealthy();
          reply(
              ex,
              ready ? 200 : 503,
              (ready ? "ready: " : "not ready: " + info.unhealthyEventSources() + ": ")
                  + leadership.describe()
                  + "\n");
        });
    server.createContext("/metrics", ex -> reply(ex, 200, registry::scrape));
    server.start();
    return new HealthServer(server);
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static void reply(HttpExchange ex, int code, String body) throws IOException {
    reply(ex, code, () -> body);
  }

  private static void reply(HttpExchange ex, int code, Supplier<String> body) throws IOException {
    byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
