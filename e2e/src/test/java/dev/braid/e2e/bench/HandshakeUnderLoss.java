package dev.braid.e2e.bench;

import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.Prerequisites;
import dev.braid.e2e.harness.OpenSslPki;
import dev.braid.e2e.harness.OpenVpnConfigs;
import dev.braid.e2e.harness.OpenVpnConfigs.ControlChannel;
import dev.braid.e2e.harness.OpenVpnProcess;
import dev.braid.e2e.harness.PacketLoss;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Seed 000 made measurable: how long a stock OpenVPN 2.6 client takes to reach "Initialization
 * Sequence Completed" when (a) half of the ACK packets it sends are lost, (b) 30% of all its
 * packets are lost both ways. Each gateway under test serves the same client on the same topology
 * with the same certificates.
 *
 * <p>Arguments: {@code runs=20 cases=acks50,random30 gateways=stock,braid cap=120}. Prints one
 * table.
 */
public final class HandshakeUnderLoss {
  private HandshakeUnderLoss() {}

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts =
        BenchArgs.parse(
            args,
            Map.of(
                "runs", "20", "cases", "acks50,random30", "gateways", "stock,braid", "cap", "120"));
    int runs = Integer.parseInt(opts.get("runs"));
    Duration cap = Duration.ofSeconds(Long.parseLong(opts.get("cap")));
    Prerequisites.require("ip", "openvpn", "openssl", "nft");

    List<String> rows = new ArrayList<>();
    try (BenchTopology topology = BenchTopology.create("handshake")) {
      NetNs server = topology.server();
      NetNs client = topology.client();
      OpenSslPki pki = topology.pki();
      Path dir = topology.dir();
      for (String gatewayName : opts.get("gateways").split(",")) {
        try (BenchGateway gateway = BenchGateway.start(gatewayName, server, pki, dir, "udp")) {
          for (String c : opts.get("cases").split(",")) {
            applyCase(client, c);
            List<Double> seconds = new ArrayList<>();
            int failed = 0;
            for (int i = 0; i < runs; i++) {
              Optional<Duration> t = handshake(client, pki, dir, cap);
              if (t.isPresent()) {
                seconds.add(t.get().toMillis() / 1000.0);
              } else {
                failed++;
              }
              System.err.printf(
                  "%s %s run %d: %s%n",
                  gateway.name(), c, i + 1, t.map(Duration::toString).orElse("FAILED"));
            }
            PacketLoss.clear(client);
            seconds.sort(null);
            rows.add(
                String.format(
                    "| %-8s | %-9s | %4d | %6d | %8.2f | %8.2f | %8.2f |",
                    gateway.name(),
                    c,
                    runs,
                    failed,
                    Percentiles.of(seconds, 50),
                    Percentiles.of(seconds, 90),
                    seconds.isEmpty() ? Double.NaN : seconds.getLast()));
          }
        }
      }
    }
    System.out.println("| gateway  | case      | runs | failed | median s |    p90 s |    max s |");
    System.out.println("|----------|-----------|------|--------|----------|----------|----------|");
    rows.forEach(System.out::println);
  }

  private static void applyCase(NetNs client, String c) throws IOException {
    if (c.startsWith("acks")) {
      PacketLoss.outgoingAcks(client, Integer.parseInt(c.substring(4)));
    } else if (c.startsWith("random")) {
      PacketLoss.randomBothWays(client, Integer.parseInt(c.substring(6)));
    } else {
      throw new IllegalArgumentException("unknown case " + c + " (acksN or randomN)");
    }
  }

  private static Optional<Duration> handshake(NetNs client, OpenSslPki pki, Path dir, Duration cap)
      throws Exception {
    String config =
        OpenVpnConfigs.client(
                pki, "alice", "10.77.0.1", 1194, "udp", ControlChannel.TLS_CRYPT, "AES-256-GCM")
            + "hand-window "
            + cap.toSeconds()
            + "\n";
    try (OpenVpnProcess p = OpenVpnProcess.start(client, dir.resolve("client.conf"), config)) {
      return p.awaitLine(OpenVpnProcess.CONNECTED, cap);
    }
  }
}
