package dev.braid.agent.openvpn.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.testing.AgentProcess;
import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.WatchedProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Seed 000 measured: repeated stock-client handshakes against the Braid agent (its real main and
 * engine) and against a stock OpenVPN 2.6 server on the same namespaces and certificates, under (a)
 * half of the client's P_ACK_V1 dropped (first UDP payload byte 0x28) and (b) 30% random loss both
 * ways, both injected by nft in the client namespace. Prints median/p90 handshake times (client
 * start to "Initialization Sequence Completed"); asserts only that every handshake against Braid
 * completed (the stock server's failures are reported, not asserted: it is the reference). {@code
 * -Dbraid.handshakes=N} sets the count per cell (default 20).
 */
class HandshakeUnderLossIT {
  private static final String SERVER_IP = "10.77.0.1";
  private static final int RUNS = Integer.getInteger("braid.handshakes", 20);
  private static final long HANDSHAKE_TIMEOUT_MS = 150_000;

  private static final Map<String, String[]> LOSS = new LinkedHashMap<>();

  static {
    LOSS.put("(0) no loss (baseline)", new String[0]);
    LOSS.put(
        "(a) 50% of client P_ACK_V1 dropped",
        new String[] {
          "add rule inet braid out udp dport 1194 @th,64,8 0x28 numgen random mod 2 0 drop"
        });
    LOSS.put(
        "(b) 30% random loss both ways",
        new String[] {
          "add rule inet braid out udp dport 1194 numgen random mod 100 < 30 drop",
          "add rule inet braid in udp sport 1194 numgen random mod 100 < 30 drop"
        });
  }

  @Test
  void handshakeTimesUnderLossBraidVersusStockServer() throws Exception {
    InteropFixture f = new InteropFixture();
    List<String> table = new ArrayList<>();
    int failures = 0;
    try (NetNs serverNs = NetNs.create("hs");
        NetNs clientNs = NetNs.create("hc")) {
      serverNs.veth("wan0", clientNs, "wan0");
      serverNs.segmentUdpOnTransmit("wan0"); // loss strikes datagrams, not whole GSO sends
      serverNs.addresses("wan0", SERVER_IP + "/24");
      clientNs.addresses("wan0", "10.77.0.2/24");
      Path clientConf = f.clientConfig(SERVER_IP);
      Path serverConf = f.serverConfig(SERVER_IP);
      Map<String, Supplier<List<String>>> servers = new LinkedHashMap<>();
      servers.put("braid", () -> f.braidServerCommand(serverNs, SERVER_IP));
      servers.put("openvpn 2.6", () -> f.openvpn(serverNs, serverConf));
      for (var loss : LOSS.entrySet()) {
        installLoss(clientNs, loss.getValue());
        for (var server : servers.entrySet()) {
          Path log = f.dir.resolve(server.getKey().replace(' ', '_') + ".log");
          try (WatchedProcess s = new WatchedProcess(server.getValue().get(), log)) {
            assertThat(
                    s.await(
                        l ->
                            l.contains(AgentProcess.SERVING)
                                || l.contains("Initialization Sequence Completed"),
                        60_000))
                .as(s.output())
                .isNotNull();
            long[] ms = new long[RUNS];
            int ok = 0;
            for (int i = 0; i < RUNS; i++) {
              long t0 = System.nanoTime();
              Path clog = f.dir.resolve("client-" + i + ".log");
              try (WatchedProcess c = new WatchedProcess(f.openvpn(clientNs, clientConf), clog)) {
                String done =
                    c.await(
                        l -> l.contains("Initialization Sequence Completed"), HANDSHAKE_TIMEOUT_MS);
                ms[i] = (System.nanoTime() - t0) / 1_000_000;
                if (done != null) {
                  ok++;
                } else {
                  // The stock server is the reference, not the subject: its failures are data.
                  if (server.getKey().equals("braid")) {
                    failures++;
                  }
                  System.out.println(
                      "FAILED handshake "
                          + server.getKey()
                          + " "
                          + loss.getKey()
                          + ":\n"
                          + c.output());
                }
              }
            }
            table.add(row(loss.getKey(), server.getKey(), ms, ok));
            // in run order: shows JVM warm-up (early handshakes) apart from loss effects
            System.out.println(
                "times " + server.getKey() + " " + loss.getKey() + ": " + Arrays.toString(ms));
          }
        }
      }
    } finally {
      f.deleteQuietly();
    }
    System.out.printf(
        "%-36s %-12s %4s %4s %9s %9s %9s%n",
        "loss", "server", "runs", "ok", "median ms", "p90 ms", "max ms");
    table.forEach(System.out::println);
    assertThat(failures).as("failed handshakes against Braid").isZero();
  }

  /**
   * Replaces the namespace's loss rules: a fresh {@code inet braid} table holding {@code rules}.
   */
  private static void installLoss(NetNs ns, String[] rules) throws Exception {
    ns.exec(
        "nft", "add", "table", "inet", "braid"); // no-op if it exists, so the delete cannot fail
    ns.exec("nft", "delete", "table", "inet", "braid");
    ns.exec("nft", "add", "table", "inet", "braid");
    ns.exec("nft", "add chain inet braid out { type filter hook output priority 0 ; }");
    ns.exec("nft", "add chain inet braid in { type filter hook input priority 0 ; }");
    for (String rule : rules) {
      ns.exec("nft", rule);
    }
  }

  private static String row(String loss, String server, long[] ms, int ok) {
    long[] sorted = ms.clone();
    Arrays.sort(sorted);
    return String.format(
        "%-36s %-12s %4d %4d %9d %9d %9d",
        loss,
        server,
        ms.length,
        ok,
        sorted[sorted.length / 2],
        sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.9) - 1)],
        sorted[sorted.length - 1]);
  }
}
