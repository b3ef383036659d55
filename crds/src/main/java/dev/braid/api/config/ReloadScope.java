package dev.braid.api.config;

import java.util.List;
import java.util.Objects;

/**
 * Which settings an agent can change in place and which need new sockets, TUN queues or workers.
 * The operator rolls the DaemonSet only for the latter; the agent applies the former without
 * dropping sessions (routes, DNS, ciphers, keepalive, renegotiation, fixed client addresses and the
 * CRL file's content).
 */
public final class ReloadScope {
  private ReloadScope() {}

  /** A copy holding only the settings that need a restart. */
  public static AgentConfig restartRelevant(AgentConfig config) {
    AgentConfig c = AgentConfigParser.copy(config);
    if (c.gateway != null) {
      c.gateway.generation = null;
    }
    c.routes = List.of();
    c.dns = null;
    c.ciphers = List.of();
    c.keepalive = null;
    c.renegotiateSeconds = null;
    if (c.pools != null) {
      c.pools.fixedAddresses = null; // a new VPNClient with an address must not roll every node
    }
    return c;
  }

  /** True when going from {@code before} to {@code after} needs the data plane restarted. */
  public static boolean needsRestart(AgentConfig before, AgentConfig after) {
    return !Objects.equals(
        AgentConfigParser.render(restartRelevant(before)),
        AgentConfigParser.render(restartRelevant(after)));
  }
}
