package dev.braid.agent.runtime;

import static dev.braid.agent.runtime.AgentFixture.AUTH_GATEWAY;
import static dev.braid.agent.runtime.AgentFixture.AUTH_PORT;
import static dev.braid.agent.runtime.AgentFixture.CAROL_FIXED;
import static dev.braid.agent.runtime.AgentFixture.CRYPT_GATEWAY;
import static dev.braid.agent.runtime.AgentFixture.CRYPT_GATEWAY6;
import static dev.braid.agent.runtime.AgentFixture.CRYPT_PORT;
import static dev.braid.agent.runtime.AgentFixture.v4;
import static dev.braid.agent.runtime.AgentFixture.v6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.agent.testing.WatchedProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real agent main serving stock Debian {@code openvpn} 2.6 clients in network namespaces: every
 * data cipher over IPv4 and IPv6, tls-crypt and tls-auth, several clients at once with ping and
 * iperf3 through the tunnel, reconnect, renegotiation under traffic, and refused clients (foreign
 * CA, expired certificate, wrong tls-crypt key) named in the agent log while another client's
 * tunnel keeps working. Needs root, iproute2, {@code openvpn} and {@code iperf3}; a missing one
 * fails the test.
 */
class AgentIT {
  private static final long CONNECT_MS = 90_000;
  private static final String TLS_CRYPT = "tls-crypt tc.key";
  private static AgentFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = new AgentFixture(3);
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void everyCipherOverIpv4AndIpv6WithPingThroughTheTunnel() throws Exception {
    for (String cipher : List.of("AES-256-GCM", "AES-128-GCM", "CHACHA20-POLY1305")) {
      for (String remote : List.of(v4(0), v6(0))) {
        try (WatchedProcess c =
            f.client(0, remote, CRYPT_PORT, "udp", "alice", TLS_CRYPT, "data-ciphers " + cipher)) {
          awaitConnected(c);
          assertThat(c.await(l -> l.contains("Data Channel: cipher '"), 10_000))
              .as("%s over %s", cipher, remote)
              .contains("Data Channel: cipher '" + cipher + "'");
          ping(0, CRYPT_GATEWAY, 3);
        }
      }
    }
  }

  @Test
  void clientGetsAnIpv6TunnelAddressAndPingsTheGatewayOverIt() throws Exception {
    try (WatchedProcess udp = f.client(0, v4(0), CRYPT_PORT, "udp", "alice", TLS_CRYPT);
        WatchedProcess tcp = f.client(1, v6(1), CRYPT_PORT, "tcp-client", "bob", TLS_CRYPT)) {
      awaitConnected(udp);
      awaitConnected(tcp);
      assertThat(udp.output()).contains("ifconfig-ipv6 fd00:8:");
      for (int i = 0; i < 2; i++) {
        String addresses = f.clients.get(i).ip("-6", "-o", "addr", "show", "dev", "tun0");
        assertThat(addresses).as("client %d", i).contains("inet6 fd00:8::");
        String out =
            f.clients.get(i).exec("ping", "-6", "-c", "3", "-i", "0.3", "-W", "5", CRYPT_GATEWAY6);
        System.out.println("ping -6 through the tunnel of client " + i + ":\n" + out);
        assertThat(out).contains(" 0% packet loss");
      }
    }
  }

  @Test
  void clientWithAFixedAddressGetsItWhileOthersGetPoolAddresses() throws Exception {
    try (WatchedProcess bob = f.client(1, v4(1), CRYPT_PORT, "udp", "bob", TLS_CRYPT);
        WatchedProcess carol = f.client(2, v4(2), CRYPT_PORT, "udp", "carol", TLS_CRYPT)) {
      awaitConnected(bob);
      awaitConnected(carol);
      assertThat(tunnelAddress(2)).isEqualTo(CAROL_FIXED);
      assertThat(tunnelAddress(1)).isNotEqualTo(CAROL_FIXED).startsWith("10.8.0.");
      ping(2, CRYPT_GATEWAY, 3);
      ping(1, CAROL_FIXED, 3);
    }
  }

  @Test
  void tcpClientsOverIpv4AndIpv6ShareTheTunnelWithUdp() throws Exception {
    Map<String, Long> before = tcpMetrics();
    try (WatchedProcess udp = f.client(0, v4(0), CRYPT_PORT, "udp", "alice", TLS_CRYPT);
        WatchedProcess tcp4 = f.client(1, v4(1), CRYPT_PORT, "tcp-client", "bob", TLS_CRYPT);
        WatchedProcess tcp6 = f.client(2, v6(2), CRYPT_PORT, "tcp-client", "carol", TLS_CRYPT)) {
      for (WatchedProcess c : List.of(udp, tcp4, tcp6)) {
        awaitConnected(c);
      }
      for (int i = 0; i < 3; i++) {
        ping(i, CRYPT_GATEWAY, 3);
      }
      String tunnelOf0 = tunnelAddress(0);
      ping(1, tunnelOf0, 3); // TCP client to UDP client: both directions cross loops

      // The UDP client takes the pushed receive buffer; TCP clients keep their kernel's
      // autotuning.
      String log = udp.output();
      int imported = log.indexOf("--sndbuf/--rcvbuf options modified");
      assertThat(imported).as("UDP client log: the pushed rcvbuf is imported").isNotNegative();
      Matcher buffers = SOCKET_BUFFERS.matcher(log);
      assertThat(buffers.find(imported)).as("UDP client log: Socket Buffers after it").isTrue();
      assertThat(Long.parseLong(buffers.group(2)))
          .as("UDP client's receive buffer after the push (was %s)", buffers.group(1))
          .isGreaterThan(Long.parseLong(buffers.group(1)));
      for (WatchedProcess c : List.of(tcp4, tcp6)) {
        assertThat(c.output()).doesNotContain("--sndbuf/--rcvbuf options modified");
      }
    }
    // The TCP loop's own counters reach /metrics like the workers' (pings went both ways).
    Map<String, Long> after = tcpMetrics();
    System.out.println("TCP loop metrics before " + before + ", after " + after);
    assertThat(after.keySet()).isEqualTo(TCP_METRICS);
    for (String metric : TCP_METRICS) {
      assertThat(after.get(metric)).as(metric).isGreaterThan(before.get(metric));
    }
  }

  /** OpenVPN 2.6 logs a pushed rcvbuf as the socket's receive buffer before and after. */
  private static final Pattern SOCKET_BUFFERS =
      Pattern.compile("Socket Buffers: R=\\[(\\d+)->(\\d+)\\]");

  private static final Set<String> TCP_METRICS =
      Set.of(
          "braid_agent_packets_total{transport=\"tcp\",direction=\"in\"}",
          "braid_agent_packets_total{transport=\"tcp\",direction=\"out\"}",
          "braid_agent_bytes_total{transport=\"tcp\",direction=\"in\"}",
          "braid_agent_bytes_total{transport=\"tcp\",direction=\"out\"}",
          "braid_agent_tun_packets_total{transport=\"tcp\",op=\"write\"}");

  /** The {@link #TCP_METRICS} samples of the tls-crypt agent, by series. */
  private static Map<String, Long> tcpMetrics() throws Exception {
    return samples(TCP_METRICS);
  }

  /**
   * The named series of the tls-crypt agent's {@code /metrics}, by series; absent ones left out.
   */
  private static Map<String, Long> samples(Set<String> series) throws Exception {
    Map<String, Long> found = new TreeMap<>();
    for (String line : f.metrics(9464).lines().toList()) {
      int space = line.lastIndexOf(' ');
      if (space > 0 && series.contains(line.substring(0, space))) {
        found.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
      }
    }
    return found;
  }

  @Test
  void tlsAuthClientGetsATunnel() throws Exception {
    try (WatchedProcess c = f.client(1, v4(1), AUTH_PORT, "udp", "bob", "tls-auth ta.key 1")) {
      awaitConnected(c);
      ping(1, AUTH_GATEWAY, 3);
      assertThat(c.output()).contains("Control Channel: TLSv1.3");
    }
  }

  @Test
  void tlsMinimumOneThreeRefusesAClientCappedAtOneTwo() throws Exception {
    int mark = f.authAgent.lineCount();
    try (WatchedProcess c =
        f.client(1, v4(1), AUTH_PORT, "udp", "bob", "tls-auth ta.key 1", "tls-version-max 1.2")) {
      String line =
          f.authAgent.awaitFrom(
              mark, l -> l.contains("session closed") && l.contains("TLS"), CONNECT_MS);
      System.out.println("TLS 1.2 client refused: " + line);
      assertThat(line)
          .as("agent log:\n%s\nclient log:\n%s", f.authAgent.output(), c.output())
          .isNotNull();
      assertThat(c.output()).doesNotContain("Initialization Sequence Completed");
    }
  }

  @Test
  void severalClientsAtOnceWithPingAndIperf() throws Exception {
    List<WatchedProcess> cs = new ArrayList<>();
    try {
      String[] certs = {"alice", "bob", "carol"};
      for (int i = 0; i < 3; i++) {
        cs.add(f.client(i, i == 2 ? v6(i) : v4(i), CRYPT_PORT, "udp", certs[i], TLS_CRYPT));
      }
      for (WatchedProcess c : cs) {
        awaitConnected(c);
      }
      for (int i = 0; i < 3; i++) {
        ping(i, CRYPT_GATEWAY, 3);
      }
      Set<String> offload =
          Set.of(
              "braid_agent_tun_segmented_reads_total{transport=\"udp\"}",
              "braid_agent_tun_segments_total{transport=\"udp\"}",
              "braid_agent_udp_segmented_sends_total{transport=\"udp\"}",
              "braid_agent_udp_segmented_datagrams_total{transport=\"udp\"}",
              "braid_agent_receive_holds_total{transport=\"udp\"}");
      Map<String, Long> before = samples(offload);
      try (WatchedProcess server =
          f.node.start(
              f.dir.resolve("iperf3-server.log"),
              "iperf3",
              "-s",
              "--forceflush",
              "-B",
              CRYPT_GATEWAY)) {
        assertThat(server.await(l -> l.contains("Server listening"), 30_000))
            .as(server.output())
            .isNotNull();
        String out = f.clients.get(0).exec("iperf3", "-c", CRYPT_GATEWAY, "-t", "3");
        System.out.println("iperf3 through the Braid tunnel:\n" + out);
        assertThat(out).contains("receiver");
        assertThat(receiverBitsPerSecond(out)).isPositive();
        // Downloads: the agent reads TCP super-packets from its TUN queues (segmentation offload)
        // and segments them itself; a wrong checksum or sequence would stall this transfer.
        String down = f.clients.get(1).exec("iperf3", "-c", CRYPT_GATEWAY, "-t", "3", "-R");
        System.out.println("iperf3 -R (the gateway sends) through the Braid tunnel:\n" + down);
        assertThat(receiverBitsPerSecond(down)).isGreaterThan(10e6);
      }
      // The upload streamed in (receive holds), the download was read as super-packets and went
      // out to the client several datagrams per send (UDP GSO).
      Map<String, Long> after = samples(offload);
      System.out.println("offload and hold metrics before " + before + ", after " + after);
      assertThat(after.keySet()).isEqualTo(offload);
      for (String metric : offload) {
        assertThat(after.get(metric)).as(metric).isGreaterThan(before.getOrDefault(metric, 0L));
      }
    } finally {
      for (WatchedProcess c : cs) {
        c.close();
      }
    }
  }

  @Test
  void clientReconnectsAfterExit() throws Exception {
    int mark = f.cryptAgent.lineCount();
    try (WatchedProcess c =
        f.client(2, v4(2), CRYPT_PORT, "udp", "carol", TLS_CRYPT, "explicit-exit-notify 1")) {
      awaitConnected(c);
      ping(2, CRYPT_GATEWAY, 2);
    }
    assertThat(
            f.cryptAgent.awaitFrom(
                mark, l -> l.contains("session closed") && l.contains("EXIT"), 30_000))
        .as(f.cryptAgent.output())
        .isNotNull();
    try (WatchedProcess c = f.client(2, v4(2), CRYPT_PORT, "udp", "carol", TLS_CRYPT)) {
      awaitConnected(c);
      ping(2, CRYPT_GATEWAY, 2);
    }
  }

  @Test
  void renegotiationUnderTrafficKeepsTheTunnel() throws Exception {
    try (WatchedProcess c =
        f.client(1, v4(1), CRYPT_PORT, "udp", "bob", TLS_CRYPT, "reneg-sec 6")) {
      awaitConnected(c);
      String out =
          f.clients.get(1).exec("ping", "-c", "100", "-i", "0.2", "-W", "2", CRYPT_GATEWAY);
      long renegotiations = c.output().lines().filter(l -> l.contains("TLS: soft reset")).count();
      System.out.println("renegotiation under ping: " + renegotiations + " soft resets\n" + out);
      assertThat(renegotiations).as(c.output()).isGreaterThanOrEqualTo(2);
      Matcher m = Pattern.compile("(\\d+) received").matcher(out);
      assertThat(m.find()).as(out).isTrue();
      assertThat(Integer.parseInt(m.group(1))).as(out).isGreaterThanOrEqualTo(95);
    }
  }

  @Test
  void refusedClientsAreLoggedWhileAnotherSessionKeepsWorking() throws Exception {
    try (WatchedProcess good = f.client(0, v4(0), CRYPT_PORT, "udp", "alice", TLS_CRYPT)) {
      awaitConnected(good);
      refused("stranger", TLS_CRYPT, l -> l.contains("session closed") && l.contains("TLS"));
      refused("expired", TLS_CRYPT, l -> l.contains("session closed") && l.contains("TLS"));
      refused(
          "carol",
          "tls-crypt wrong-tc.key",
          l -> l.contains("protocol drops") && l.contains("TLS_CRYPT"));
      ping(0, CRYPT_GATEWAY, 3);
      assertThat(good.output()).doesNotContain("SIGUSR1");
    }
  }

  private static void refused(
      String cert, String wrap, java.util.function.Predicate<String> agentLine) throws Exception {
    int mark = f.cryptAgent.lineCount();
    try (WatchedProcess c = f.client(2, v4(2), CRYPT_PORT, "udp", cert, wrap)) {
      String line = f.cryptAgent.awaitFrom(mark, agentLine, CONNECT_MS);
      System.out.println("refused " + cert + " (" + wrap + "): " + line);
      assertThat(line)
          .as("agent log:\n%s\nclient log:\n%s", f.cryptAgent.output(), c.output())
          .isNotNull();
      assertThat(c.output()).doesNotContain("Initialization Sequence Completed");
    }
  }

  @Test
  void aClientConnectingAgainReplacesItsOlderSessionUnlessDuplicatesAreAllowed() throws Exception {
    int mark = f.cryptAgent.lineCount();
    try (WatchedProcess first = f.client(0, v4(0), CRYPT_PORT, "udp", "alice", TLS_CRYPT)) {
      awaitConnected(first);
      ping(0, CRYPT_GATEWAY, 2);
      try (WatchedProcess again = f.client(1, v4(1), CRYPT_PORT, "udp", "alice", TLS_CRYPT)) {
        awaitConnected(again);
        String replaced =
            f.cryptAgent.awaitFrom(
                mark, l -> l.contains("replaced by a newer connection of alice"), 30_000);
        System.out.println("older session: " + replaced);
        assertThat(replaced).as(f.cryptAgent.output()).isNotNull();
        ping(1, CRYPT_GATEWAY, 3);
        assertThatThrownBy(
                () ->
                    f.clients.get(0).exec("ping", "-c", "2", "-i", "0.3", "-W", "2", CRYPT_GATEWAY))
            .as("the replaced session carries nothing")
            .hasMessageContaining("100% packet loss");
      }
    }
    // The tls-auth agent runs with duplicateCommonNames: true (OpenVPN's duplicate-cn).
    int authMark = f.authAgent.lineCount();
    try (WatchedProcess a = f.client(0, v4(0), AUTH_PORT, "udp", "bob", "tls-auth ta.key 1");
        WatchedProcess b = f.client(1, v4(1), AUTH_PORT, "udp", "bob", "tls-auth ta.key 1")) {
      awaitConnected(a);
      awaitConnected(b);
      ping(0, AUTH_GATEWAY, 3);
      ping(1, AUTH_GATEWAY, 3);
      assertThat(f.authAgent.awaitFrom(authMark, l -> l.contains("replaced by a newer"), 1_000))
          .isNull();
    }
  }

  private static void awaitConnected(WatchedProcess c) throws InterruptedException {
    assertThat(c.await(l -> l.contains("Initialization Sequence Completed"), CONNECT_MS))
        .as("client log:\n%s\nagent log:\n%s", c.output(), f.cryptAgent.output())
        .isNotNull();
  }

  private static void ping(int client, String address, int count) throws IOException {
    String out =
        f.clients
            .get(client)
            .exec("ping", "-c", Integer.toString(count), "-i", "0.3", "-W", "5", address);
    assertThat(out).contains(" 0% packet loss");
  }

  private static String tunnelAddress(int client) throws IOException {
    String out = f.clients.get(client).ip("-4", "-o", "addr", "show", "dev", "tun0");
    Matcher m = Pattern.compile("inet (\\S+)/").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  private static double receiverBitsPerSecond(String iperf) {
    Matcher m = Pattern.compile("([\\d.]+) ([KMG]?)bits/sec.*receiver").matcher(iperf);
    if (!m.find()) {
      return 0;
    }
    double v = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "K" -> v * 1e3;
      case "M" -> v * 1e6;
      case "G" -> v * 1e9;
      default -> v;
    };
  }
}
