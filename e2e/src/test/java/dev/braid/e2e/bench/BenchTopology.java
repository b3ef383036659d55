package dev.braid.e2e.bench;

import dev.braid.agent.testing.NetNs;
import dev.braid.e2e.harness.OpenSslPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The topology every benchmark uses: a server and a client namespace joined by veth (10.77.0.1 and
 * 10.77.0.2), and an openssl PKI with a server and one client, {@code alice}, in a fresh folder.
 */
record BenchTopology(NetNs server, NetNs client, OpenSslPki pki, Path dir)
    implements AutoCloseable {
  static final String SERVER_IP = "10.77.0.1";

  static BenchTopology create(String name) throws IOException {
    Path dir = Files.createTempDirectory("braid-" + name);
    OpenSslPki pki = OpenSslPki.create(dir.resolve("pki"), "gateway");
    pki.client("alice");
    NetNs server = NetNs.create("srv");
    try {
      NetNs client = NetNs.create("cli");
      try {
        server.veth("wan0", client, "wan0");
        server.addresses("wan0", SERVER_IP + "/24");
        client.addresses("wan0", "10.77.0.2/24");
        return new BenchTopology(server, client, pki, dir);
      } catch (IOException | RuntimeException e) {
        client.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      client.close();
    } finally {
      server.close();
    }
  }
}
