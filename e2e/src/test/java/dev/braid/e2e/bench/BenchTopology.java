package dev.braid.e2e.bench;

import dev.braid.agent.testing.NetNs;
import dev.braid.e2e.harness.OpenSslPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The topology every benchmark uses: a server and a client namespace joined by veth (10.77.0.1 and
 * 10.77.0.2), and an openssl PKI with a server and one client, {@code alice}, in a fresh folder.
 * With more clients, client k (k >= 1) has its own namespace and veth ({@link #serverIp}(k) =
 * 10.77.k.1, client 10.77.k.2) and certificate {@link #clientName}(k).
 */
record BenchTopology(List<NetNs> clients, NetNs server, OpenSslPki pki, Path dir)
    implements AutoCloseable {
  static final String SERVER_IP = "10.77.0.1";

  static BenchTopology create(String name) throws IOException {
    return create(name, 1);
  }

  static BenchTopology create(String name, int clientCount) throws IOException {
    Path dir = Files.createTempDirectory("braid-" + name);
    OpenSslPki pki = OpenSslPki.create(dir.resolve("pki"), "gateway");
    for (int k = 0; k < clientCount; k++) {
      pki.client(clientName(k));
    }
    List<NetNs> clients = new ArrayList<>();
    NetNs server = NetNs.create("srv");
    try {
      for (int k = 0; k < clientCount; k++) {
        NetNs client = NetNs.create("cli");
        clients.add(client);
        server.veth("wan" + k, client, "wan0");
        server.segmentUdpOnTransmit("wan" + k); // as a NIC without UDP segmentation offload
        server.addresses("wan" + k, serverIp(k) + "/24");
        client.addresses("wan0", "10.77." + k + ".2/24");
      }
      return new BenchTopology(List.copyOf(clients), server, pki, dir);
    } catch (IOException | RuntimeException e) {
      for (NetNs c : clients) {
        c.close();
      }
      server.close();
      throw e;
    }
  }

  /** The first client's namespace. */
  NetNs client() {
    return clients.getFirst();
  }

  /** The server address client {@code k} connects to. */
  static String serverIp(int k) {
    return "10.77." + k + ".1";
  }

  /** Client {@code k}'s certificate name: alice for the first. */
  static String clientName(int k) {
    return k == 0 ? "alice" : "client" + k;
  }

  @Override
  public void close() throws IOException {
    try {
      for (NetNs c : clients) {
        c.close();
      }
    } finally {
      server.close();
    }
  }
}
