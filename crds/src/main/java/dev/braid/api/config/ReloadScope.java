package dev.braid.api.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which settings an agent can change in place and which need new sockets, TUN queues or workers.
 * The operator rolls the DaemonSet only for the latter; the agent applies the former without
 * dropping sessions (routes, NAT, DNS, ciphers, keepalive, renegotiation, duplicate common names,
 * the client receive buffer, fixed client addresses and the CRL file's content). Receive moderation
 * is restart-relevant: the workers take it when they start.
 */
public final class ReloadScope {
  private static final ObjectMapper TREE = new ObjectMapper();

  private ReloadScope() {}

  /** A copy holding only the settings that need a restart. */
  public static AgentConfig restartRelevant(AgentConfig config) {
    AgentConfig c = AgentConfigParser.copy(config);
    if (c.gateway != null) {
      c.gateway.generation = null;
    }
    c.routes = List.of();
    c.nat = null;
    c.dns = null;
    c.ciphers = List.of();
    c.keepalive = null;
    c.renegotiateSeconds = null;
    c.duplicateCommonNames = null;
    c.clientReceiveBuffer = null;
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

  /**
   * The restart-relevant fields that differ between {@code before} and {@code after}, as field
   * paths ({@code listen.port}, {@code pools.ipv4}); a changed list is named once by its own path.
   * Empty exactly when {@link #needsRestart} is false.
   */
  public static List<String> restartFields(AgentConfig before, AgentConfig after) {
    Set<String> fields = new TreeSet<>();
    diff(
        "",
        TREE.valueToTree(restartRelevant(before)),
        TREE.valueToTree(restartRelevant(after)),
        fields);
    return List.copyOf(fields);
  }

  private static void diff(String path, JsonNode a, JsonNode b, Set<String> out) {
    if (Objects.equals(a, b)) {
      return;
    }
    if (a == null || b == null || !a.isObject() || !b.isObject()) {
      out.add(path.isEmpty() ? "(document)" : path);
      return;
    }
    Set<String> names = new TreeSet<>();
    for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    for (String name : names) {
      diff(path.isEmpty() ? name : path + "." + name, a.get(name), b.get(name), out);
    }
  }
}
