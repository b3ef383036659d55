package dev.braid.agent.runtime;

import dev.braid.agent.openvpn.testing.TestPki;
import dev.braid.agent.openvpn.tlswrap.StaticKey;
import dev.braid.agent.testing.AgentProcess;
import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.WatchedProcess;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * A gateway node and client namespaces for agent ITs: namespace "node" runs the real agent main (a
 * child JVM on the test classpath, through {@code ip netns exec}); client namespace i reaches it
 * over its own veth pair at {@code 10.77.i.1} and {@code fd77:i::1}. Two agents run: tls-crypt on
 * port 1194 (pools 10.8.0.0/24 and fd00:8::/64, carol fixed at 10.8.0.77), tls-auth on 1195 (pool
 * 10.9.0.0/24). The PKI holds good client certificates, one from another CA, one expired, and a
 * wrong tls-crypt key.
 */
final class AgentFixture implements AutoCloseable {
  static final int CRYPT_PORT = 1194;
  static final int AUTH_PORT = 1195;
  static final String CRYPT_GATEWAY = "10.8.0.1";
  static final String AUTH_GATEWAY = "10.9.0.1";
  static final String CRYPT_POOL6 = "fd00:8::/64";
  static final String CRYPT_GATEWAY6 = "fd00:8::1";

  /** carol's fixed tunnel address on the tls-crypt agent. */
  static final String CAROL_FIXED = "10.8.0.77";

  final Path dir;
  final NetNs node;
  final List<NetNs> clients = new ArrayList<>();
  final List<WatchedProcess> processes = new ArrayList<>();
  final Map<String, TestPki.Issued> issued = new HashMap<>();
  TestPki pki;
  WatchedProcess cryptAgent;
  WatchedProcess authAgent;

  AgentFixture(int clientCount) throws Exception {
    this(clientCount, true, "");
  }

  /**
   * @param cryptExtraYaml further top-level config lines for the tls-crypt agent
   */
  AgentFixture(int clientCount, String cryptExtraYaml) throws Exception {
    this(clientCount, true, cryptExtraYaml);
  }

  /**
   * @param standardAgents start the tls-crypt and tls-auth agents; without, the test starts its own
   *     with {@link #startAgent(String, Path)}
   */
  AgentFixture(int clientCount, boolean standardAgents) throws Exception {
    this(clientCount, standardAgents, "");
  }

  private AgentFixture(int clientCount, boolean standardAgents, String cryptExtraYaml)
      throws Exception {
    dir = Files.createTempDirectory("braid-agent-it-");
    writePki();
    node = NetNs.create("node");
    try {
      node.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1"); // client to client via the TUN
      for (int i = 0; i < clientCount; i++) {
        NetNs c = NetNs.create("cli" + i);
        clients.add(c);
        String here = NetNs.interfaceName("bn");
        node.veth(here, c, "eth0");
        node.ip("addr", "add", "10.77." + i + ".1/24", "dev", here);
        node.ip("addr", "add", "fd77:" + i + "::1/64", "dev", here);
        c.ip("addr", "add", "10.77." + i + ".2/24", "dev", "eth0");
        c.ip("addr", "add", "fd77:" + i + "::2/64", "dev", "eth0");
      }
      if (standardAgents) {
        cryptAgent =
            startAgent(
                "crypt",
                CRYPT_PORT,
                9464,
                "10.8.0.0/24",
                CRYPT_POOL6,
                Map.of("carol", CAROL_FIXED),
                "tls-crypt",
                "tc.key",
                cryptExtraYaml);
        authAgent =
            startAgent(
                "auth",
                AUTH_PORT,
                9465,
                "10.9.0.0/24",
                null,
                Map.of(),
                "tls-auth",
                "ta.key",
                "duplicateCommonNames: true");
      }
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  private void writePki() throws Exception {
    pki = new TestPki();
    write("ca.crt", pki.ca().certPem());
    TestPki.Issued server = pki.server("braid-gateway");
    write("server.crt", server.certPem());
    write("server.key", server.keyPem());
    for (String cn : List.of("alice", "bob", "carol")) {
      TestPki.Issued c = pki.client(cn);
      issued.put(cn, c);
      write(cn + ".crt", c.certPem());
      write(cn + ".key", c.keyPem());
    }
    TestPki.Issued expired =
        pki.issue(
            "expired", KeyPurposeId.id_kp_clientAuth, Instant.now().minus(Duration.ofHours(1)));
    write("expired.crt", expired.certPem());
    write("expired.key", expired.keyPem());
    TestPki.Issued stranger = new TestPki().client("stranger");
    write("stranger.crt", stranger.certPem());
    write("stranger.key", stranger.keyPem());
    for (String key : List.of("tc.key", "ta.key", "wrong-tc.key")) {
      byte[] k = new byte[StaticKey.SIZE];
      new SecureRandom().nextBytes(k);
      write(key, new StaticKey(k).format());
    }
  }

  private WatchedProcess startAgent(
      String name,
      int port,
      int httpPort,
      String pool,
      String pool6,
      Map<String, String> fixed,
      String wrap,
      String keyFile,
      String extraYaml)
      throws Exception {
    Path config =
        AgentProcess.writeConfig(
            dir.resolve(name + ".yaml"),
            dir,
            port,
            "UDP, TCP",
            pool,
            pool6,
            fixed,
            wrap,
            keyFile,
            httpPort,
            2,
            extraYaml);
    if (name.equals("auth")) {
      // the tls-auth agent also refuses TLS 1.2
      Files.writeString(
          config, Files.readString(config).replace("tls:\n", "tls:\n  minVersion: \"1.3\"\n"));
    }
    return startAgent(name, config);
  }

  /** Starts the agent main in the node namespace with {@code config}; waits until it serves. */
  WatchedProcess startAgent(String name, Path config) throws Exception {
    WatchedProcess agent =
        node.start(
            dir.resolve(name + "-agent.log"),
            AgentProcess.command(config, "braid" + name).toArray(String[]::new));
    processes.add(agent);
    if (agent.await(l -> l.contains(AgentProcess.SERVING), 120_000) == null) {
      throw new IllegalStateException("agent " + name + " did not start:\n" + agent.output());
    }
    return agent;
  }

  /**
   * Starts a stock client in client namespace {@code i}.
   *
   * @param remote the gateway address to use (IPv4 or IPv6 literal)
   * @param proto {@code udp} or {@code tcp-client}
   * @param cert client certificate base name (alice, bob, carol, expired, stranger)
   * @param wrap control-channel line, e.g. {@code tls-crypt tc.key} or {@code tls-auth ta.key 1}
   * @param extra further config lines
   */
  WatchedProcess client(
      int i, String remote, int port, String proto, String cert, String wrap, String... extra)
      throws IOException {
    String name = "client-" + i + "-" + cert + "-" + System.nanoTime();
    Path conf =
        write(
            name + ".conf",
            """
            client
            dev tun
            proto %s
            remote %s %d
            nobind
            ca ca.crt
            cert %s.crt
            key %s.key
            remote-cert-tls server
            %s
            connect-retry 1
            verb 4
            %s
            """
                .formatted(proto, remote, port, cert, cert, wrap, String.join("\n", extra)));
    WatchedProcess p =
        clients
            .get(i)
            .start(
                dir.resolve(name + ".log"),
                "openvpn",
                "--cd",
                dir.toString(),
                "--config",
                conf.getFileName().toString());
    processes.add(p);
    return p;
  }

  static String v4(int i) {
    return "10.77." + i + ".1";
  }

  static String v6(int i) {
    return "fd77:" + i + "::1";
  }

  Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  @Override
  public void close() throws Exception {
    Exception failure = null;
    for (WatchedProcess p : processes.reversed()) {
      try {
        p.close();
      } catch (Exception e) {
        failure = e;
      }
    }
    for (NetNs ns : clients) {
      try {
        ns.close();
      } catch (Exception e) {
        failure = e;
      }
    }
    if (node != null) {
      try {
        node.close();
      } catch (Exception e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The {@code /metrics} text of the agent whose control port is {@code httpPort}. */
  String metrics(int httpPort) throws Exception {
    return node.call(
        () -> {
          try (Socket s = new Socket("127.0.0.1", httpPort)) {
            s.getOutputStream()
                .write("GET /metrics HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          }
        });
  }
}
