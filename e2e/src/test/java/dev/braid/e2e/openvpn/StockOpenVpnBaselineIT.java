package dev.braid.e2e.openvpn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.Prerequisites;
import dev.braid.e2e.harness.OpenSslPki;
import dev.braid.e2e.harness.OpenVpnConfigs;
import dev.braid.e2e.harness.OpenVpnConfigs.ControlChannel;
import dev.braid.e2e.harness.OpenVpnProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reference topology every gateway comparison uses: a stock OpenVPN 2.6 server and client in
 * two namespaces joined by veth, with a PKI made by openssl. Proves the harness before Braid is
 * measured on it.
 */
class StockOpenVpnBaselineIT {
  static NetNs server;
  static NetNs client;
  static OpenSslPki pki;
  static Path dir;

  @BeforeAll
  static void topology() throws Exception {
    Prerequisites.require("ip", "openvpn", "openssl", "nft", "ping");
    dir = Files.createTempDirectory("braid-baseline");
    pki = OpenSslPki.create(dir.resolve("pki"), "gateway");
    pki.client("alice");
    server = NetNs.create("srv");
    client = NetNs.create("cli");
    server.veth("wan0", client, "wan0");
    server.addresses("wan0", "10.77.0.1/24", "fd77::1/64");
    client.addresses("wan0", "10.77.0.2/24", "fd77::2/64");
  }

  @AfterAll
  static void cleanup() throws Exception {
    if (client != null) client.close();
    if (server != null) server.close();
  }

  @ParameterizedTest
  @CsvSource({"udp, TLS_CRYPT, 10.77.0.1", "tcp, TLS_AUTH, 10.77.0.1", "udp6, TLS_CRYPT, fd77::1"})
  void stockClientConnectsToStockServerAndPings(String proto, ControlChannel cc, String host)
      throws Exception {
    String serverProto = proto.startsWith("tcp") ? "tcp-server" : proto;
    String clientProto = proto.startsWith("tcp") ? "tcp-client" : proto;
    try (OpenVpnProcess srv =
            OpenVpnProcess.start(
                server,
                dir.resolve("server-" + proto + ".conf"),
                OpenVpnConfigs.server(pki, 1194, serverProto, cc));
        OpenVpnProcess cli =
            OpenVpnProcess.start(
                client,
                dir.resolve("client-" + proto + ".conf"),
                OpenVpnConfigs.client(pki, "alice", host, 1194, clientProto, cc, "AES-256-GCM"))) {
      assertThat(cli.awaitLine(OpenVpnProcess.CONNECTED, Duration.ofSeconds(30)))
          .as("client log:%n%s%nserver log:%n%s", cli.log(), srv.log())
          .isPresent();
      assertThat(client.exec("ping", "-c", "3", "-i", "0.2", "-W", "2", "10.8.0.1"))
          .contains("3 received");
    }
  }
}
