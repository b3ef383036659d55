package dev.braid.agent.runtime;

import static dev.braid.agent.runtime.AgentFixture.v4;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.testing.WatchedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real agent main reloading its config file while stock {@code openvpn} 2.6 clients are
 * connected: a new route and a CRL revoking bob are applied in place (alice's ping through the
 * tunnel loses nothing across the reload, bob is told {@code AUTH_FAILED} and his new attempt is
 * refused, a new client gets the new route), and a port change, which needs new sockets, is refused
 * with the field named while alice keeps working. Needs root, iproute2 and {@code openvpn}.
 */
class ConfigReloadIT {
  private static final long CONNECT_MS = 90_000;
  private static final long LOG_MS = 60_000;
  private static final int PORT = 1194;
  private static final String GATEWAY = "10.8.0.1";
  private static final String TLS_CRYPT = "tls-crypt tc.key";
  private static final String NEW_ROUTE = "10.100.0.0/16";
  private static AgentFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = new AgentFixture(3, false);
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void routesAndCrlApplyLiveRevokedClientIsCutOffAndAPortChangeIsRefused() throws Exception {
    replace(f.dir.resolve("crl.pem"), f.pki.crlPem()); // revokes nothing yet
    Path config = f.dir.resolve("reload.yaml");
    replace(config, document(PORT, "10.96.0.0/12"));
    WatchedProcess agent = f.startAgent("reload", config);

    try (WatchedProcess alice = f.client(0, v4(0), PORT, "udp", "alice", TLS_CRYPT);
        WatchedProcess bob = f.client(1, v4(1), PORT, "udp", "bob", TLS_CRYPT)) {
      awaitConnected(alice, agent);
      awaitConnected(bob, agent);
      assertThat(ping(1, 2)).contains(" 0% packet loss");

      // 400 pings 0.2 s apart outlast every step below (the test checks it is still running)
      try (WatchedProcess ping =
          f.clients
              .get(0)
              .start(
                  f.dir.resolve("alice-ping.log"),
                  "ping",
                  "-c",
                  "400",
                  "-i",
                  "0.2",
                  "-W",
                  "2",
                  GATEWAY)) {
        assertThat(ping.await(l -> l.contains("bytes from"), 30_000)).as(ping.output()).isNotNull();

        int mark = agent.lineCount();
        replace(f.dir.resolve("crl.pem"), f.pki.crlPem(f.issued.get("bob").certificate()));
        replace(config, document(PORT, "10.96.0.0/12", NEW_ROUTE));
        String applied =
            awaitLog(
                agent,
                mark,
                l ->
                    l.contains("config reloaded without dropping sessions")
                        && l.contains(NEW_ROUTE));
        String cutOff =
            awaitLog(
                agent,
                mark,
                l ->
                    l.contains("session closed")
                        && l.contains("client certificate revoked (CN=bob"));
        System.out.println("reload applied: " + applied + "\nrevoked session: " + cutOff);
        assertThat(bob.await(l -> l.contains("AUTH_FAILED,client certificate revoked"), LOG_MS))
            .as(bob.output())
            .isNotNull();
        assertThat(bob.await(l -> l.contains("process exiting"), LOG_MS))
            .as("the revoked client stops instead of retrying:\n%s", bob.output())
            .isNotNull();

        int beforeRetry = agent.lineCount();
        try (WatchedProcess again = f.client(1, v4(1), PORT, "udp", "bob", TLS_CRYPT)) {
          String refused =
              awaitLog(
                  agent,
                  beforeRetry,
                  l ->
                      l.contains("session closed")
                          && l.contains("TLS error")
                          && l.contains("revoked"));
          System.out.println("revoked client refused: " + refused);
          assertThat(again.output()).doesNotContain("Initialization Sequence Completed");
        }

        try (WatchedProcess carol = f.client(2, v4(2), PORT, "udp", "carol", TLS_CRYPT)) {
          awaitConnected(carol, agent);
          assertThat(carol.output())
              .as("a session started after the reload gets the new route and DNS")
              .contains(
                  "route 10.100.0.0 255.255.0.0",
                  "dhcp-option DNS 10.96.0.10",
                  "dhcp-option DOMAIN-SEARCH svc.cluster.local");
        }
        assertThat(alice.output())
            .as("alice's session began before the route existed")
            .doesNotContain("route 10.100.0.0 255.255.0.0", "dhcp-option DNS");

        int beforePort = agent.lineCount();
        replace(config, document(PORT + 2, "10.96.0.0/12", NEW_ROUTE));
        String rejected =
            awaitLog(
                agent, beforePort, l -> l.contains("ConfigRejected") && l.contains("listen.port"));
        System.out.println("port change: " + rejected);
        assertThat(rejected).contains("keeping the running config");
        assertThat(metrics().lines())
            .contains(
                "braid_agent_revoked_sessions_total 1",
                "braid_agent_config_reloads_total{result=\"applied\"} 1",
                "braid_agent_config_reloads_total{result=\"refused\"} 1");

        assertThat(ping.isAlive()).as("the ping spans every reload step").isTrue();
        String summary = ping.await(l -> l.contains("packet loss"), 180_000);
        System.out.println("alice's ping across the reloads: " + summary);
        assertThat(summary).as(ping.output()).contains(" 0% packet loss");
      }
      assertThat(ping(0, 3)).contains(" 0% packet loss");
      assertThat(alice.output()).doesNotContain("SIGUSR1", "AUTH_FAILED");
    }
  }

  /** The agent's metrics, fetched inside the node namespace. */
  private static String metrics() throws Exception {
    return f.metrics(9464);
  }

  /** The document; with more than one route it also pushes DNS (the reloaded version). */
  private static String document(int port, String... routes) {
    String dns =
        routes.length > 1 ? "dns: {servers: [10.96.0.10], searchDomains: [svc.cluster.local]}" : "";
    return """
        gateway:
          name: reload
        listen:
          port: %d
          transports: [UDP]
        workers: 2
        pools:
          ipv4: 10.8.0.0/24
        routes: [%s]
        %4$s
        tls:
          caFile: %3$s/ca.crt
          certFile: %3$s/server.crt
          keyFile: %3$s/server.key
          crlFile: %3$s/crl.pem
          controlChannelKeyFile: %3$s/tc.key
          controlChannel: tls-crypt
        ciphers: [AES-256-GCM, CHACHA20-POLY1305]
        keepalive:
          intervalSeconds: 5
          timeoutSeconds: 30
        control:
          httpPort: 9464
        """
        .formatted(port, String.join(", ", routes), f.dir, dns);
  }

  /** Replaces {@code file} in one step, as a kubelet swaps a mounted ConfigMap or Secret. */
  private static void replace(Path file, String content) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), ".swap-", ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String awaitLog(WatchedProcess agent, int from, Predicate<String> match)
      throws InterruptedException {
    String line = agent.awaitFrom(from, match, LOG_MS);
    assertThat(line).as("agent log:\n%s", agent.output()).isNotNull();
    return line;
  }

  private static void awaitConnected(WatchedProcess c, WatchedProcess agent)
      throws InterruptedException {
    assertThat(c.await(l -> l.contains("Initialization Sequence Completed"), CONNECT_MS))
        .as("client log:\n%s\nagent log:\n%s", c.output(), agent.output())
        .isNotNull();
  }

  private static String ping(int client, int count) throws IOException {
    return f.clients
        .get(client)
        .exec("ping", "-c", Integer.toString(count), "-i", "0.3", "-W", "5", GATEWAY);
  }
}
