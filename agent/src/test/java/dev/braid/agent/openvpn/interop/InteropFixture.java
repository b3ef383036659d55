package dev.braid.agent.openvpn.interop;

import dev.braid.agent.openvpn.testing.TestPki;
import dev.braid.agent.openvpn.tlswrap.StaticKey;
import dev.braid.agent.testing.AgentProcess;
import dev.braid.agent.testing.NetNs;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

/** Files for an interop run: test PKI, tls-crypt key, stock client and server configs. */
final class InteropFixture {
  static final int PORT = 1194;
  final Path dir;

  InteropFixture() throws Exception {
    dir = Files.createTempDirectory("braid-interop-");
    TestPki pki = new TestPki();
    TestPki.Issued server = pki.server("braid-server");
    TestPki.Issued client = pki.client("alice");
    Files.writeString(dir.resolve("ca.crt"), pki.ca().certPem());
    Files.writeString(dir.resolve("server.crt"), server.certPem());
    Files.writeString(dir.resolve("server.key"), server.keyPem());
    Files.writeString(dir.resolve("client.crt"), client.certPem());
    Files.writeString(dir.resolve("client.key"), client.keyPem());
    byte[] tc = new byte[StaticKey.SIZE];
    new SecureRandom().nextBytes(tc);
    Files.writeString(dir.resolve("tc.key"), new StaticKey(tc).format());
  }

  /** Stock client config (openvpn-protocol.md section 8), verbose enough to time the handshake. */
  Path clientConfig(String serverIp) throws IOException {
    return write(
        "client.conf",
        """
        client
        dev tun
        proto udp
        remote %s %d
        nobind
        ca ca.crt
        cert client.crt
        key client.key
        remote-cert-tls server
        tls-crypt tc.key
        data-ciphers AES-256-GCM:CHACHA20-POLY1305
        explicit-exit-notify 1
        connect-retry 1
        verb 4
        """
            .formatted(serverIp, PORT));
  }

  /** Stock OpenVPN 2.6 server with the same PKI, for comparisons. */
  Path serverConfig(String serverIp) throws IOException {
    return write(
        "server.conf",
        """
        mode server
        tls-server
        dev tun
        proto udp
        local %s
        port %d
        topology subnet
        server 10.8.0.0 255.255.255.0
        ca ca.crt
        cert server.crt
        key server.key
        dh none
        tls-crypt tc.key
        data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305
        keepalive 10 60
        verb 3
        """
            .formatted(serverIp, PORT));
  }

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  /**
   * Command starting the real Braid agent (its main, in a fresh JVM on this test classpath) in
   * {@code ns}, serving UDP on {@code serverIp}'s port with this fixture's PKI and tls-crypt key.
   * It prints "agent serving" once it listens.
   */
  List<String> braidServerCommand(NetNs ns, String serverIp) {
    try {
      Path config =
          AgentProcess.writeConfig(
              dir.resolve("agent.yaml"),
              dir,
              PORT,
              "UDP",
              "10.8.0.0/24",
              "tls-crypt",
              "tc.key",
              9464);
      return ns.command(AgentProcess.command(config, "braid-interop").toArray(String[]::new));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  List<String> openvpn(NetNs ns, Path config) {
    return ns.command(
        "openvpn", "--cd", dir.toString(), "--config", config.getFileName().toString());
  }

  void deleteQuietly() {
    File[] files = dir.toFile().listFiles();
    if (files != null) {
      for (File f : files) {
        f.delete();
      }
    }
    dir.toFile().delete();
  }
}
