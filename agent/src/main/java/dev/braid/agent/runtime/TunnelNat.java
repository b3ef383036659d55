package dev.braid.agent.runtime;

import dev.braid.agent.control.StatusContribution;
import dev.braid.agent.nativeio.NetworkNamespace;
import dev.braid.api.config.AgentConfig;
import dev.braid.api.v1alpha1.AgentError;
import dev.braid.api.v1alpha1.NatStatus;
import dev.braid.api.v1alpha1.VPNGatewayNodeStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node side of a gateway's {@code nat} setting: packets from the tunnel pools that leave the
 * node through any device but the gateway's TUN are masqueraded to the address of that device, so
 * that pods and Services answer clients without a route to the pools; and the node forwards packets
 * at all while the gateway pushes routes. The rules live in one nft table that this agent owns
 * ({@code inet braid.<namespace>.<gateway>}), replaced atomically on start and on every config
 * change (so a table left by a killed agent is taken over) and deleted when the agent stops.
 * Forwarding that was off is switched on and switched off again at stop. Nothing here stops the
 * agent: a failure (no {@code nft}, a read-only {@code /proc/sys}) shows in the node status.
 */
final class TunnelNat implements StatusContribution, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TunnelNat.class);
  private static final Path IPV4_FORWARDING = Path.of("/proc/sys/net/ipv4/ip_forward");
  private static final Path IPV6_FORWARDING = Path.of("/proc/sys/net/ipv6/conf/all/forwarding");

  private final String namespace;
  private final String table;
  private final String tun;
  private final Set<Path> switchedOn = new LinkedHashSet<>();
  private volatile NatStatus status = new NatStatus();
  private volatile AgentError error;
  private boolean tableInstalled;

  private TunnelNat(String namespace, String table, String tun) {
    this.namespace = namespace;
    this.table = table;
    this.tun = tun;
  }

  /**
   * Sets up forwarding and translation for {@code config}; never throws (see {@link #addTo}).
   *
   * @param tun the gateway's TUN device, whose own traffic is never translated
   * @param namespace named network namespace to act in (tests), or null for the agent's own
   */
  static TunnelNat start(AgentConfig config, String tun, String namespace) {
    TunnelNat nat = new TunnelNat(namespace, tableName(config), tun);
    nat.apply(config);
    return nat;
  }

  /** {@code braid.<namespace>.<name>}: namespaces hold no dots, so the name is unambiguous. */
  static String tableName(AgentConfig config) {
    String ns = config.gateway().namespace() == null ? "" : config.gateway().namespace() + ".";
    return "braid." + ns + config.gateway().name();
  }

  /**
   * The nft script that replaces the table in one transaction: created empty if missing (so that
   * the delete cannot fail), deleted, and created anew with the rules when {@code masquerade}.
   */
  static String script(String table, String tun, List<String> pools, boolean masquerade) {
    StringBuilder s = new StringBuilder();
    s.append("table inet ").append(table).append('\n');
    s.append("delete table inet ").append(table).append('\n');
    if (masquerade) {
      s.append("table inet ").append(table).append(" {\n");
      s.append("  chain postrouting {\n");
      s.append("    type nat hook postrouting priority srcnat; policy accept;\n");
      for (String pool : pools) {
        s.append("    oifname != \"")
            .append(tun)
            .append("\" ")
            .append(pool.contains(":") ? "ip6" : "ip")
            .append(" saddr ")
            .append(pool)
            .append(" masquerade\n");
      }
      s.append("  }\n}\n");
    }
    return s.toString();
  }

  /** Applies {@code config}'s setting (at start and on every reload); never throws. */
  synchronized void apply(AgentConfig config) {
    boolean masquerade = config.natOrDefault();
    List<String> pools = new ArrayList<>();
    if (config.pools() != null && config.pools().ipv4() != null) {
      pools.add(config.pools().ipv4());
    }
    boolean ipv6 = config.pools() != null && config.pools().ipv6() != null;
    if (ipv6) {
      pools.add(config.pools().ipv6());
    }
    List<String> problems = new ArrayList<>();
    NatStatus next = new NatStatus();
    boolean forward = config.routes() != null && !config.routes().isEmpty();
    next.ipv4Forwarding = forwarding(IPV4_FORWARDING, forward, problems);
    if (ipv6) {
      next.ipv6Forwarding = forwarding(IPV6_FORWARDING, forward, problems);
    }
    try {
      nft(script(table, tun, pools, masquerade));
      tableInstalled = masquerade;
      next.active = masquerade;
      next.table = masquerade ? "inet " + table : null;
      if (masquerade) {
        LOG.info(
            "nat: tunnel traffic from {} leaving the node is masqueraded (nft table inet {})",
            pools,
            table);
      }
    } catch (IOException e) {
      next.active = false;
      problems.add(
          (masquerade ? "masquerading tunnel traffic" : "removing nft table inet " + table)
              + ": "
              + e.getMessage());
    }
    status = next;
    if (problems.isEmpty()) {
      error = null;
    } else {
      AgentError e = new AgentError();
      e.reason = "NatFailed";
      e.message = String.join("; ", problems);
      e.time = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
      error = e;
      LOG.warn("nat: {}", e.message);
    }
  }

  /**
   * Whether the node forwards by {@code file}; switched on when {@code wanted} and off. Problems (a
   * read-only {@code /proc/sys} in a pod) are added to {@code problems}.
   */
  private Boolean forwarding(Path file, boolean wanted, List<String> problems) {
    try {
      boolean on = "1".equals(inNamespace(() -> Files.readString(file).strip()));
      if (on || !wanted) {
        return on;
      }
      inNamespace(
          () -> {
            Files.writeString(file, "1\n");
            return null;
          });
      switchedOn.add(file);
      LOG.info("nat: switched on {} (the gateway pushes routes); switched off again at stop", file);
      return true;
    } catch (Exception e) {
      problems.add(
          file
              + " is 0 and could not be set ("
              + e
              + "): clients reach only this node; set it on the node (sysctl -w "
              + file.toString().substring("/proc/sys/".length()).replace('/', '.')
              + "=1)");
      return false;
    }
  }

  private <T> T inNamespace(java.util.concurrent.Callable<T> action) throws Exception {
    return namespace == null ? action.call() : NetworkNamespace.call(namespace, action);
  }

  private void nft(String script) throws IOException {
    List<String> command = new ArrayList<>();
    if (namespace != null) {
      command.addAll(List.of("ip", "netns", "exec", namespace));
    }
    command.addAll(List.of("nft", "-f", "-"));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run nft (is the nftables package installed?): " + e.getMessage(), e);
    }
    try (var in = p.getOutputStream()) {
      in.write(script.getBytes(StandardCharsets.UTF_8));
    }
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("nft -f -: no answer within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("nft -f -: interrupted", e);
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.exitValue() != 0) {
      throw new IOException("nft -f - exited with " + p.exitValue() + ": " + output);
    }
  }

  @Override
  public void addTo(VPNGatewayNodeStatus node) {
    node.nat = status;
    if (node.lastError == null) {
      node.lastError = error;
    }
  }

  /** The current state, for the status and tests. */
  NatStatus status() {
    return status;
  }

  /** Removes the table and switches forwarding back off where this agent switched it on. */
  @Override
  public synchronized void close() {
    if (tableInstalled) {
      try {
        nft(script(table, tun, List.of(), false));
        LOG.info("nat: removed nft table inet {}", table);
      } catch (IOException e) {
        LOG.warn("nat: removing nft table inet {} failed: {}", table, e.getMessage());
      }
      tableInstalled = false;
    }
    for (Path file : switchedOn) {
      try {
        inNamespace(
            () -> {
              Files.writeString(file, "0\n");
              return null;
            });
        LOG.info("nat: switched {} off again", file);
      } catch (Exception e) {
        LOG.warn("nat: switching {} off again failed: {}", file, e.toString());
      }
    }
    switchedOn.clear();
  }
}
