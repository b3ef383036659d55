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
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Braid versus a stock OpenVPN 2.6 server on the same topology (server and client namespaces joined
 * by veth), the same PKI and one stock client with AES-256-GCM: iperf3 TCP throughput through the
 * tunnel (client to server), ping RTT through the tunnel, and the server process's CPU seconds
 * (utime + stime from /proc/PID/stat) per GiB moved by iperf3.
 *
 * <p>Arguments: {@code gateways=stock,braid protos=udp,tcp seconds=10 pings=20}. Prints one table.
 */
public final class TunnelThroughput {
  private static final double GIB = 1024.0 * 1024 * 1024;

  private TunnelThroughput() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts =
        BenchArgs.parse(
            args,
            Map.of("gateways", "stock,braid", "protos", "udp,tcp", "seconds", "10", "pings", "20"));
    Prerequisites.require("ip", "openvpn", "openssl", "iperf3", "ping");
    List<String> rows = new ArrayList<>();
    try (BenchTopology topology = BenchTopology.create("throughput")) {
      NetNs server = topology.server();
      NetNs client = topology.client();
      OpenSslPki pki = topology.pki();
      Path dir = topology.dir();
      for (String proto : opts.get("protos").split(",")) {
        for (String name : opts.get("gateways").split(",")) {
          try (BenchGateway gateway = BenchGateway.start(name, server, pki, dir, proto);
              OpenVpnProcess c =
                  OpenVpnProcess.start(
                      client,
                      dir.resolve("client.conf"),
                      OpenVpnConfigs.client(
                          pki,
                          "alice",
                          "10.77.0.1",
                          1194,
                          proto.equals("tcp") ? "tcp-client" : proto,
                          ControlChannel.TLS_CRYPT,
                          "AES-256-GCM"))) {
            if (c.awaitLine(OpenVpnProcess.CONNECTED, Duration.ofSeconds(60)).isEmpty()) {
              throw new IllegalStateException(name + " " + proto + ": no tunnel\n" + c.log());
            }
            rows.add(measure(name, proto, gateway.pid(), server, client, opts));
          }
        }
      }
    }
    System.out.println(
        "| gateway | proto | iperf3 Mbit/s | ping avg ms | ping max ms | server CPU s | CPU s/GiB |");
    System.out.println(
        "|---------|-------|---------------|-------------|-------------|--------------|-----------|");
    rows.forEach(System.out::println);
  }

  private static String measure(
      String name, String proto, long pid, NetNs server, NetNs client, Map<String, String> opts)
      throws Exception {
    String pings = opts.get("pings");
    String ping = client.exec("ping", "-c", pings, "-i", "0.2", "-W", "2", "10.8.0.1");
    Matcher rtt = Pattern.compile("= [\\d.]+/([\\d.]+)/([\\d.]+)/").matcher(ping);
    if (!rtt.find()) {
      throw new IllegalStateException("no RTT in ping output:\n" + ping);
    }
    Process iperfServer = server.start(List.of("iperf3", "-s", "-1", "-B", "10.8.0.1"));
    try {
      long before = cpuTicks(pid);
      String json = "";
      for (int attempt = 0; attempt < 20 && json.isEmpty(); attempt++) {
        try {
          json =
              client.exec("iperf3", "-c", "10.8.0.1", "-t", opts.get("seconds"), "-J", "-O", "1");
        } catch (RuntimeException notListeningYet) {
          Thread.sleep(250); // iperf3 -s binds asynchronously; retry the connect
        }
      }
      long after = cpuTicks(pid);
      Matcher bytes =
          Pattern.compile(
                  "\"sum_received\":\\s*\\{[^}]*?\"bytes\":\\s*(\\d+)[^}]*?\"bits_per_second\":\\s*([\\d.e+]+)")
              .matcher(json);
      if (!bytes.find()) {
        throw new IllegalStateException("no sum_received in iperf3 output:\n" + json);
      }
      double gib = Long.parseLong(bytes.group(1)) / GIB;
      double mbits = Double.parseDouble(bytes.group(2)) / 1e6;
      double cpu = (after - before) / 100.0; // USER_HZ
      return String.format(
          "| %-7s | %-5s | %13.1f | %11.3f | %11.3f | %12.2f | %9.2f |",
          name,
          proto,
          mbits,
          Double.parseDouble(rtt.group(1)),
          Double.parseDouble(rtt.group(2)),
          cpu,
          cpu / gib);
    } finally {
      iperfServer.destroy();
      iperfServer.waitFor();
    }
  }

  /** utime + stime of {@code pid} in clock ticks (fields 14 and 15 of /proc/PID/stat). */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
