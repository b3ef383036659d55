package dev.braid.e2e.bench;

import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.Prerequisites;
import dev.braid.e2e.harness.OpenSslPki;
import dev.braid.e2e.harness.OpenVpnConfigs;
import dev.braid.e2e.harness.OpenVpnConfigs.ControlChannel;
import dev.braid.e2e.harness.OpenVpnProcess;
import dev.braid.e2e.harness.PacketLoss;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Seed 000 made measurable: how long a stock OpenVPN 2.6 client takes to reach "Initialization
 * Sequence Completed" when (a) half of the ACK packets it sends are lost, (b) 30% of all its
 * packets are lost both ways. Each gateway under test serves the same client on the same topology
 * with the same certificates.
 *
 * <p>Arguments: {@code runs=20 cases=acks50,random30 gateways=stock,braid cap=120}. Prints one
 * table. For analysing single handshakes: {@code keep=DIR} keeps every client's log (and, with
 * {@code pcap=true}, a packet capture in the client namespace) as {@code
 * DIR/<gateway>-<case>-<run>.log}; {@code verb=N} sets the client's log level (default 3).
 */
public final class HandshakeUnderLoss {
  private HandshakeUnderLoss() {}

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts =
        BenchArgs.parse(
            args,
            Map.of(
                "runs",
                "20",
                "cases",
                "acks50,random30",
                "gateways",
                "stock,braid",
                "cap",
                "120",
                "keep",
                "",
                "verb",
                "3",
                "pcap",
                "false"));
    Path keep = opts.get("keep").isEmpty() ? null : Path.of(opts.get("keep"));
    if (keep != null) {
      Files.createDirectories(keep);
    }
    int verb = Integer.parseInt(opts.get("verb"));
    boolean pcap = Boolean.parseBoolean(opts.get("pcap"));
    int runs = Integer.parseInt(opts.get("runs"));
    Duration cap = Duration.ofSeconds(Long.parseLong(opts.get("cap")));
    Prerequisites.require("ip", "openvpn", "openssl", "nft", "ethtool");

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
              String runName = gateway.name() + "-" + c + "-" + (i + 1);
              Process capture =
                  keep != null && pcap ? capture(client, keep.resolve(runName + ".pcap")) : null;
              Optional<Duration> t;
              try {
                t = handshake(client, pki, dir, cap, verb);
              } finally {
                if (capture != null) {
                  capture.destroy();
                  capture.waitFor();
                }
              }
              if (keep != null) {
                Files.copy(
                    dir.resolve("client.conf.log"),
                    keep.resolve(runName + ".log"),
                    StandardCopyOption.REPLACE_EXISTING);
              }
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

  /** Starts tcpdump on the client's link and waits until it captures. */
  private static Process capture(NetNs client, Path file) throws Exception {
    Process p =
        client.start(List.of("tcpdump", "-i", "wan0", "-n", "-U", "-w", file.toString(), "udp"));
    CountDownLatch listening = new CountDownLatch(1);
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (line.contains("listening on")) {
                    listening.countDown();
                  }
                }
              } catch (IOException ended) {
                // tcpdump ended; the wait below times out or already passed
              }
            });
    if (!listening.await(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("tcpdump did not start in " + client);
    }
    return p;
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

  private static Optional<Duration> handshake(
      NetNs client, OpenSslPki pki, Path dir, Duration cap, int verb) throws Exception {
    String config =
        OpenVpnConfigs.client(
                    pki, "alice", "10.77.0.1", 1194, "udp", ControlChannel.TLS_CRYPT, "AES-256-GCM")
                .replace("verb 3\n", "verb " + verb + "\n")
            + "hand-window "
            + cap.toSeconds()
            + "\n";
    try (OpenVpnProcess p = OpenVpnProcess.start(client, dir.resolve("client.conf"), config)) {
      return p.awaitLine(OpenVpnProcess.CONNECTED, cap);
    }
  }
}
