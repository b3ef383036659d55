package dev.braid.e2e.bench;

import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.Prerequisites;
import dev.braid.e2e.harness.OpenSslPki;
import dev.braid.e2e.harness.OpenVpnConfigs;
import dev.braid.e2e.harness.OpenVpnConfigs.ControlChannel;
import dev.braid.e2e.harness.OpenVpnProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Braid versus a stock OpenVPN 2.6 server on the same topology (server and client namespaces joined
 * by veth), the same PKI and stock clients with AES-256-GCM: iperf3 TCP throughput through the
 * tunnel (clients to server, one iperf3 per client, all at once; the inner TCP's retransmissions),
 * ping RTT through the tunnel from the first client before iperf3 (a fresh server), during it
 * (loaded) and after it (a warm one), and the server process's CPU seconds (utime + stime from
 * /proc/PID/stat) per GiB moved by iperf3.
 *
 * <p>Arguments: {@code gateways=stock,braid protos=udp,tcp seconds=10 pings=20 clients=1 workers=2
 * repeat=1 warmup=0 holds=default direction=up rcvbuf=default agentJvm=}; {@code direction=down}
 * runs iperf3 with {@code -R} (the server sends: downloads through the tunnel); {@code rcvbuf=N}
 * makes both gateways push that socket receive buffer to UDP clients (0: neither does; {@code
 * default}: Braid pushes 1 MiB, stock nothing); {@code gso} lists Braid's UDP segmentation settings
 * ({@code on}, {@code off}, {@code default}), one Braid row each; {@code workers} may list several
 * counts (e.g. {@code 1,2}: one Braid row each), {@code holds} likewise lists the agent's {@code
 * receiveHoldMicros} ({@code default}: unset), {@code repeat} runs the whole sequence again (rows
 * interleave the gateways), {@code warmup} first runs an iperf3 of that many seconds (after the
 * cold pings) that the main columns leave out, so they show a warm server (for Braid: its packet
 * path compiled by the JIT) and the last column shows what the warm-up run cost per GiB, JIT
 * compilation included; {@code agentJvm} adds space-separated JVM options to the agent (e.g. a JFR
 * recording). Prints one table.
 */
public final class TunnelThroughput {
  private static final double GIB = 1024.0 * 1024 * 1024;
  private static final String TUNNEL_SERVER = "10.8.0.1";

  private TunnelThroughput() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts =
        BenchArgs.parse(
            args,
            Map.ofEntries(
                Map.entry("gateways", "stock,braid"),
                Map.entry("protos", "udp,tcp"),
                Map.entry("seconds", "10"),
                Map.entry("pings", "20"),
                Map.entry("clients", "1"),
                Map.entry("workers", "2"),
                Map.entry("repeat", "1"),
                Map.entry("warmup", "0"),
                Map.entry("holds", "default"),
                Map.entry("direction", "up"),
                Map.entry("rcvbuf", "default"),
                Map.entry("gso", "default"),
                Map.entry("agentJvm", "")));
    Prerequisites.require("ip", "openvpn", "openssl", "iperf3", "ping", "ethtool");
    int clientCount = Integer.parseInt(opts.get("clients"));
    List<String> jvm =
        opts.get("agentJvm").isBlank()
            ? List.of()
            : Arrays.asList(opts.get("agentJvm").trim().split("\\s+"));
    List<String> rows = new ArrayList<>();
    String loadBefore = loadAverage();
    try (BenchTopology topology = BenchTopology.create("throughput", clientCount)) {
      for (int r = 0; r < Integer.parseInt(opts.get("repeat")); r++) {
        for (String proto : opts.get("protos").split(",")) {
          for (String name : opts.get("gateways").split(",")) {
            boolean braid = name.equals("braid");
            String[] workerCounts = braid ? opts.get("workers").split(",") : new String[] {"-"};
            String[] holds = braid ? opts.get("holds").split(",") : new String[] {"-"};
            String[] gsos = braid ? opts.get("gso").split(",") : new String[] {"-"};
            for (String workers : workerCounts) {
              for (String hold : holds) {
                for (String gso : gsos) {
                  rows.add(run(topology, name, proto, workers, hold, gso, jvm, opts));
                }
              }
            }
          }
        }
      }
    }
    System.out.println(
        "direction="
            + opts.get("direction")
            + " clients="
            + clientCount
            + " rcvbuf="
            + opts.get("rcvbuf")
            + " seconds="
            + opts.get("seconds")
            + "; load average before: "
            + loadBefore
            + ", after: "
            + loadAverage());
    System.out.println(
        "| gateway | proto | workers | hold µs | UDP GSO | iperf3 Mbit/s | ping cold avg ms | ping warm avg ms | ping warm"
            + " max ms | ping loaded avg ms | TCP retr | server CPU s | CPU s/GiB | warm-up s/GiB |");
    System.out.println(
        "|---------|-------|--------:|--------:|--------:|--------------:|-----------------:|-----------------:|----------"
            + "-----:|-------------------:|---------:|-------------:|----------:|--------------:|");
    rows.forEach(System.out::println);
  }

  private static String run(
      BenchTopology topology,
      String name,
      String proto,
      String workers,
      String hold,
      String gso,
      List<String> jvm,
      Map<String, String> opts)
      throws Exception {
    NetNs server = topology.server();
    OpenSslPki pki = topology.pki();
    Path dir = topology.dir();
    int n = topology.clients().size();
    List<OpenVpnProcess> clients = new ArrayList<>();
    try (BenchGateway gateway =
        BenchGateway.start(
            name,
            server,
            pki,
            dir,
            proto,
            workers.equals("-") ? 2 : Integer.parseInt(workers),
            hold.equals("-") || hold.equals("default") ? null : Integer.valueOf(hold),
            opts.get("rcvbuf").equals("default") ? null : Integer.valueOf(opts.get("rcvbuf")),
            gso.equals("-") || gso.equals("default") ? null : Boolean.valueOf(gso.equals("on")),
            jvm)) {
      for (int k = 0; k < n; k++) {
        clients.add(
            OpenVpnProcess.start(
                topology.clients().get(k),
                dir.resolve("client" + k + ".conf"),
                OpenVpnConfigs.client(
                    pki,
                    BenchTopology.clientName(k),
                    BenchTopology.serverIp(k),
                    1194,
                    proto.equals("tcp") ? "tcp-client" : proto,
                    ControlChannel.TLS_CRYPT,
                    "AES-256-GCM")));
      }
      for (OpenVpnProcess c : clients) {
        if (c.awaitLine(OpenVpnProcess.CONNECTED, Duration.ofSeconds(60)).isEmpty()) {
          throw new IllegalStateException(name + " " + proto + ": no tunnel\n" + c.log());
        }
      }
      return measure(
          name, proto, workers, hold, gso, gateway.pid(), server, topology.clients(), opts);
    } finally {
      for (OpenVpnProcess c : clients) {
        c.close();
      }
    }
  }

  private static String measure(
      String name,
      String proto,
      String workers,
      String hold,
      String gso,
      long pid,
      NetNs server,
      List<NetNs> clients,
      Map<String, String> opts)
      throws Exception {
    double[] cold = ping(clients.getFirst(), opts.get("pings"));
    int warmup = Integer.parseInt(opts.get("warmup"));
    Phase first =
        warmup > 0
            ? iperfPhase(pid, server, clients, String.valueOf(warmup), false, reverse(opts))
            : null;
    Phase measured = iperfPhase(pid, server, clients, opts.get("seconds"), true, reverse(opts));
    double[] warm = ping(clients.getFirst(), opts.get("pings"));
    return String.format(
        "| %-7s | %-5s | %7s | %7s | %7s | %13.1f | %16.3f | %16.3f | %15.3f | %14.3f | %8d | %12.2f | %9.2f |"
            + " %14s |",
        name,
        proto,
        workers,
        hold,
        gso,
        measured.bits / 1e6,
        cold[0],
        warm[0],
        warm[1],
        measured.loadedPingMs,
        measured.retransmits,
        measured.cpuSeconds,
        measured.cpuPerGib(),
        first == null ? "-" : String.format("%.2f", first.cpuPerGib()));
  }

  /** What one iperf3 run moved and what it cost the server. */
  private record Phase(
      double bits, long bytes, double cpuSeconds, double loadedPingMs, long retransmits) {
    double cpuPerGib() {
      return cpuSeconds / (bytes / GIB);
    }
  }

  /**
   * One iperf3 run per client, all at once, with the server's CPU ticks around it and, if {@code
   * pingLoaded}, pings from the first client every 0.2 s while it runs.
   */
  private static Phase iperfPhase(
      long pid,
      NetNs server,
      List<NetNs> clients,
      String seconds,
      boolean pingLoaded,
      boolean reverse)
      throws Exception {
    List<Process> iperfServers = new ArrayList<>();
    try {
      for (int k = 0; k < clients.size(); k++) {
        iperfServers.add(
            server.start(
                List.of(
                    "iperf3", "-s", "-1", "-B", TUNNEL_SERVER, "-p", String.valueOf(5201 + k))));
      }
      long before = cpuTicks(pid);
      List<CompletableFuture<String>> runs = new ArrayList<>();
      for (int k = 0; k < clients.size(); k++) {
        NetNs client = clients.get(k);
        int port = 5201 + k;
        runs.add(CompletableFuture.supplyAsync(() -> iperf(client, port, seconds, reverse)));
      }
      // starts 2 s in (after iperf3's connect and omitted first second), ends before iperf3 does
      int loadedPings = Math.max(1, (Integer.parseInt(seconds) - 3) * 5);
      CompletableFuture<double[]> loaded =
          pingLoaded
              ? CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      Thread.sleep(2000);
                      return ping(clients.getFirst(), String.valueOf(loadedPings));
                    } catch (IOException | InterruptedException e) {
                      throw new IllegalStateException("ping under load failed", e);
                    }
                  })
              : CompletableFuture.completedFuture(new double[] {Double.NaN, Double.NaN});
      long bytes = 0;
      double bits = 0;
      long retransmits = 0;
      for (CompletableFuture<String> run : runs) {
        String json = run.join();
        Matcher m =
            Pattern.compile(
                    "\"sum_received\":\\s*\\{[^}]*?\"bytes\":\\s*(\\d+)[^}]*?\"bits_per_second\":\\s*([\\d.e+]+)")
                .matcher(json);
        if (!m.find()) {
          throw new IllegalStateException("no sum_received in iperf3 output:\n" + json);
        }
        bytes += Long.parseLong(m.group(1));
        bits += Double.parseDouble(m.group(2));
        Matcher retr =
            Pattern.compile("\"sum_sent\":\\s*\\{[^}]*?\"retransmits\":\\s*(\\d+)").matcher(json);
        retransmits += retr.find() ? Long.parseLong(retr.group(1)) : 0;
      }
      long after = cpuTicks(pid);
      double cpuSeconds = (after - before) / 100.0; // USER_HZ
      return new Phase(bits, bytes, cpuSeconds, loaded.join()[0], retransmits);
    } finally {
      for (Process p : iperfServers) {
        p.destroy();
        p.waitFor();
      }
    }
  }

  /** Average and maximum RTT in ms of {@code count} pings to the tunnel server. */
  private static double[] ping(NetNs client, String count) throws IOException {
    String ping = client.exec("ping", "-c", count, "-i", "0.2", "-W", "2", TUNNEL_SERVER);
    Matcher rtt = Pattern.compile("= [\\d.]+/([\\d.]+)/([\\d.]+)/").matcher(ping);
    if (!rtt.find()) {
      throw new IllegalStateException("no RTT in ping output:\n" + ping);
    }
    return new double[] {Double.parseDouble(rtt.group(1)), Double.parseDouble(rtt.group(2))};
  }

  /** {@code direction=down}: iperf3 -R, the server sends to the clients (downloads). */
  private static boolean reverse(Map<String, String> opts) {
    return switch (opts.get("direction")) {
      case "up" -> false;
      case "down" -> true;
      default ->
          throw new IllegalArgumentException(
              "direction must be up or down, was " + opts.get("direction"));
    };
  }

  private static String iperf(NetNs client, int port, String seconds, boolean reverse) {
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        List<String> argv =
            new ArrayList<>(
                List.of(
                    "iperf3",
                    "-c",
                    TUNNEL_SERVER,
                    "-p",
                    String.valueOf(port),
                    "-t",
                    seconds,
                    "-J",
                    "-O",
                    "1"));
        if (reverse) {
          argv.add("-R");
        }
        String json = client.exec(argv.toArray(String[]::new));
        if (!json.contains("unable to connect to server")) {
          return json;
        }
        Thread.sleep(250); // iperf3 -s binds asynchronously; retry the connect
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (IOException | RuntimeException notListeningYet) {
        try {
          Thread.sleep(250); // iperf3 -s binds asynchronously; retry the connect
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    throw new IllegalStateException("iperf3 to port " + port + " never connected");
  }

  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
  }

  /** utime + stime of {@code pid} in clock ticks (fields 14 and 15 of /proc/PID/stat). */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
