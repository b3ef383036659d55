package dev.braid.api.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
  private static final ObjectMapper YAML_TREE = AgentConfigParser.mapper();

  private ReloadScope() {}

  /**
   * The settings that need a restart, as the document's tree: the live settings are left out (lists
   * emptied), so that two configs that differ only in live settings give equal trees.
   */
  public static ObjectNode restartRelevant(AgentConfig config) {
    ObjectNode c = YAML_TREE.valueToTree(config);
    if (c.get("gateway") instanceof ObjectNode gateway) {
      gateway.remove("generation");
    }
    c.putArray("routes");
    c.remove("nat");
    c.remove("dns");
    c.putArray("ciphers");
    c.remove(List.of("keepalive", "renegotiateSeconds", "duplicateCommonNames"));
    c.remove("clientReceiveBuffer");
    if (c.get("pools") instanceof ObjectNode pools) {
      pools.remove("fixedAddresses"); // a new VPNClient with an address must not roll every node
    }
    return c;
  }

  /** {@link #restartRelevant} in the canonical text form, for hashing. */
  public static String restartRelevantText(AgentConfig config) {
    return AgentConfigParser.render(restartRelevant(config));
  }

  /** True when going from {@code before} to {@code after} needs the data plane restarted. */
  public static boolean needsRestart(AgentConfig before, AgentConfig after) {
    return !restartRelevant(before).equals(restartRelevant(after));
  }

  /**
   * The restart-relevant fields that differ between {@code before} and {@code after}, as field
   * paths ({@code listen.port}, {@code pools.ipv4}); a changed list is named once by its own path.
   * Empty exactly when {@link #needsRestart} is false.
   */
  public static List<String> restartFields(AgentConfig before, AgentConfig after) {
    Set<String> fields = new TreeSet<>();
    diff("", restartRelevant(before), restartRelevant(after), fields);
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
