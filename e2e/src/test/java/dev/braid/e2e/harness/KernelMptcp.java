package dev.braid.e2e.harness;

import dev.braid.agent.testing.NetNs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's MPTCP path manager on a {@link MultipathTopology}: limits at both ends and one
 * {@code subflow} endpoint per site uplink, so every MPTCP connection from the site opens a subflow
 * over each uplink to the same hub address; and a look at the subflows that really carry data
 * ({@code ss -ti}).
 */
public final class KernelMptcp {
  private KernelMptcp() {}

  /** One TCP subflow of an MPTCP connection, as {@code ss -ti} shows it. */
  public record Subflow(
      String local, String remote, String token, long bytesAcked, long bytesReceived) {
    public String localAddress() {
      return local.substring(0, local.lastIndexOf(':'));
    }
  }

  private static final Pattern SOCKET =
      // a subflow opened from an endpoint shows its device: 10.70.1.2%up1:35863
      Pattern.compile(
          "(\\d+\\.\\d+\\.\\d+\\.\\d+)(?:%\\S+)?:(\\d+)\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+)");
  private static final Pattern ACKED = Pattern.compile("bytes_acked:(\\d+)");
  private static final Pattern RECEIVED = Pattern.compile("bytes_received:(\\d+)");

  /**
   * {@code token:LOCAL(id:N)/REMOTE(id:M)}: the local token reads 0000 on the first subflow, the
   * peer's token is the same on every subflow of a connection.
   */
  private static final Pattern TOKEN = Pattern.compile("token:[0-9a-f]+\\(id:\\d+\\)/([0-9a-f]+)");

  /**
   * {@code ip mptcp limits set subflow N add_addr_accepted N} at site and hub, and {@code ip mptcp
   * endpoint add ADDR dev DEV subflow} per site uplink. Throws when MPTCP is off in a namespace.
   */
  public static void enable(MultipathTopology topology) throws IOException {
    int n = topology.uplinks().size();
    for (NetNs ns : List.of(topology.site(), topology.hub())) {
      String enabled = ns.exec("sysctl", "-n", "net.mptcp.enabled").strip();
      if (!enabled.equals("1")) {
        throw new IOException("net.mptcp.enabled=" + enabled + " in " + ns);
      }
      ns.ip(
          "mptcp",
          "limits",
          "set",
          "subflow",
          String.valueOf(n),
          "add_addr_accepted",
          String.valueOf(n));
    }
    for (Uplink u : topology.uplinks()) {
      topology
          .site()
          .ip("mptcp", "endpoint", "add", u.siteAddress(), "dev", u.siteInterface(), "subflow");
    }
  }

  /** Removes the site's endpoints and sets the limits back to none. */
  public static void disable(MultipathTopology topology) throws IOException {
    topology.site().ip("mptcp", "endpoint", "flush");
    for (NetNs ns : List.of(topology.site(), topology.hub())) {
      ns.ip("mptcp", "limits", "set", "subflow", "0", "add_addr_accepted", "0");
    }
  }

  /**
   * The MPTCP subflows (TCP sockets with the mptcp ULP) in {@code ns} that are established to
   * {@code remotePort}.
   */
  public static List<Subflow> subflows(NetNs ns, int remotePort) throws IOException {
    return parseSubflows(
        ns.exec("ss", "-tniH", "state", "established", "dport", "=", ":" + remotePort));
  }

  /** The MPTCP subflows in {@code ss -tniH} output (plain TCP connections left out). */
  static List<Subflow> parseSubflows(String out) {
    List<Subflow> subflows = new ArrayList<>();
    String[] lines = out.split("\n");
    for (int i = 0; i < lines.length; i++) {
      Matcher socket = SOCKET.matcher(lines[i]);
      if (!socket.find()) {
        continue;
      }
      StringBuilder info = new StringBuilder();
      while (i + 1 < lines.length && !SOCKET.matcher(lines[i + 1]).find()) {
        info.append(lines[++i]);
      }
      if (!info.toString().contains("tcp-ulp-mptcp")) {
        continue; // a plain TCP connection
      }
      Matcher acked = ACKED.matcher(info);
      Matcher rcvd = RECEIVED.matcher(info);
      Matcher token = TOKEN.matcher(info);
      subflows.add(
          new Subflow(
              socket.group(1) + ":" + socket.group(2),
              socket.group(3),
              token.find() ? token.group(1) : "?",
              acked.find() ? Long.parseLong(acked.group(1)) : 0,
              rcvd.find() ? Long.parseLong(rcvd.group(1)) : 0));
    }
    return subflows;
  }

  /**
   * Throws unless every MPTCP connection from {@code site} to {@code remotePort} that has carried
   * data (256 KiB or more acknowledged) spread it over at least {@code uplinks} site addresses,
   * each with 1% of the connection's bytes or more. The message has the subflows {@code ss} saw.
   */
  public static void requireDataOnEveryConnection(NetNs site, int remotePort, int uplinks)
      throws IOException {
    requireDataOnEveryConnection(subflows(site, remotePort), remotePort, uplinks);
  }

  /** The check of {@link #requireDataOnEveryConnection(NetNs, int, int)} on subflows seen. */
  static void requireDataOnEveryConnection(List<Subflow> all, int remotePort, int uplinks) {
    Map<String, List<Subflow>> byConnection = new TreeMap<>();
    for (Subflow s : all) {
      byConnection.computeIfAbsent(s.token(), t -> new ArrayList<>()).add(s);
    }
    int dataConnections = 0;
    for (Map.Entry<String, List<Subflow>> c : byConnection.entrySet()) {
      long total = c.getValue().stream().mapToLong(Subflow::bytesAcked).sum();
      if (total < 256 * 1024) {
        continue; // iperf3's control connection
      }
      dataConnections++;
      Map<String, Long> perUplink = new TreeMap<>();
      for (Subflow s : c.getValue()) {
        perUplink.merge(s.localAddress(), s.bytesAcked(), Long::sum);
      }
      long carrying = perUplink.values().stream().filter(b -> b * 100 >= total).count();
      if (carrying < uplinks) {
        throw new IllegalStateException(
            "MPTCP connection "
                + c.getKey()
                + " carried data over "
                + carrying
                + " uplink(s), not "
                + uplinks
                + ": bytes acknowledged per site address "
                + perUplink
                + "; subflows "
                + all);
      }
    }
    if (dataConnections == 0) {
      throw new IllegalStateException(
          "no MPTCP connection to port " + remotePort + " carried data; subflows " + all);
    }
  }
}
