package dev.braid.e2e.harness;

import dev.braid.agent.testing.NetNs;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The kernel's SNMP and extended counters of one namespace ({@code nstat}): absolute values,
 * without touching nstat's history file, which namespaces would otherwise share.
 */
public final class Nstat {
  private Nstat() {}

  /** Every counter of {@code ns} now, by nstat's name (e.g. {@code TcpExtTCPOFOQueue}). */
  public static Map<String, Long> snapshot(NetNs ns) throws IOException {
    Map<String, Long> counters = new HashMap<>();
    for (String line : ns.exec("nstat", "-a", "-s", "-z").split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 2 && !f[0].startsWith("#")) {
        counters.put(f[0], Long.parseLong(f[1]));
      }
    }
    return counters;
  }

  /** {@code after - before} for one counter; 0 when the kernel has no such counter. */
  public static long delta(Map<String, Long> before, Map<String, Long> after, String counter) {
    return after.getOrDefault(counter, 0L) - before.getOrDefault(counter, 0L);
  }
}
