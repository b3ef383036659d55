package dev.braid.agent.control;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.braid.api.v1alpha1.AgentError;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP endpoint ({@code /healthz}, {@code /readyz}, {@code /metrics}) on its control
 * port. A port that another process holds (another gateway's agent on the same node, say) does not
 * stop the agent, whose clients do not need this port: it keeps serving them, reports {@code
 * ControlPortInUse} in its status and binds as soon as the port is free ({@link #bind} is retried
 * on every control round).
 */
final class ControlServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

  private final int port;
  private final Map<String, HttpHandler> contexts;
  private final Clock clock;
  private HttpServer server;
  private AgentError error;

  private ControlServer(int port, Map<String, HttpHandler> contexts, Clock clock) {
    this.port = port;
    this.contexts = Map.copyOf(contexts);
    this.clock = clock;
  }

  /**
   * Binds {@code port} (0: a free one) with {@code contexts} by path, or records why not.
   *
   * @throws IOException when the server cannot be created for another reason than a taken port
   */
  static ControlServer start(int port, Map<String, HttpHandler> contexts, Clock clock)
      throws IOException {
    ControlServer s = new ControlServer(port, contexts, clock);
    s.bind();
    return s;
  }

  /**
   * Binds the port if it is not bound yet.
   *
   * @return true when the server is serving
   * @throws IOException when binding fails for another reason than a taken port
   */
  synchronized boolean bind() throws IOException {
    if (server != null) {
      return true;
    }
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(port), 16);
      contexts.forEach(s::createContext);
      s.start();
      server = s;
      if (error != null) {
        LOG.info("control port {} is free again: serving /healthz, /readyz, /metrics", port);
      }
      error = null;
      return true;
    } catch (BindException e) {
      if (error == null) {
        AgentError taken = new AgentError();
        taken.reason = "ControlPortInUse";
        taken.message =
            "control port "
                + port
                + " is in use by another process (another gateway's agent on this node?): clients"
                + " are served, but /healthz, /readyz and /metrics are not; give the gateway its"
                + " own spec.controlPort";
        taken.time = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        error = taken;
        LOG.warn("{}; retrying every control round", taken.message);
      }
      return false;
    }
  }

  /** Why the port is not served, or null while it is. */
  synchronized AgentError error() {
    return error;
  }

  /** The bound port, or the configured one while it is not bound. */
  synchronized int port() {
    return server == null ? port : server.getAddress().getPort();
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }
}
