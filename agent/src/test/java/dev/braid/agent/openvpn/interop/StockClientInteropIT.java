package dev.braid.agent.openvpn.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.testing.WatchedProcess;
import org.junit.jupiter.api.Test;

/**
 * A stock Debian {@code openvpn} 2.6 client completes the handshake against Braid's server
 * sessions: TLS with client certificates under tls-crypt, key-method 2, PUSH_REPLY, and working
 * data-channel keys (the server authenticates the client's data packets and sees its ICMP through
 * the tunnel). Root, network namespaces and {@code openvpn} are prerequisites; their absence fails
 * the test.
 */
class StockClientInteropIT {
  @Test
  void stockClientCompletesInitializationAgainstBraid() throws Exception {
    InteropFixture f = new InteropFixture();
    try (Netns net = new Netns("i");
        WatchedProcess server =
            new WatchedProcess(
                f.braidServerCommand(net.server, net.serverIp), f.dir.resolve("braid.log"))) {
      assertThat(server.await(l -> l.startsWith("LISTENING"), 60_000))
          .as(server.output())
          .isNotNull();
      try (WatchedProcess client =
          new WatchedProcess(
              f.openvpn(net.client, f.clientConfig(net.serverIp)), f.dir.resolve("client.log"))) {
        String done = client.await(l -> l.contains("Initialization Sequence Completed"), 90_000);
        assertThat(done)
            .as("client log:\n%s\nserver log:\n%s", client.output(), server.output())
            .isNotNull();
        assertThat(client.output()).contains("PUSH: Received control message: 'PUSH_REPLY,");
        assertThat(client.output())
            .containsPattern("Data Channel: cipher 'AES-256-GCM'.*peer-id: 0");
        assertThat(server.await(l -> l.startsWith("ESTABLISHED 10.8.0.2"), 10_000)).isNotNull();

        Netns.run(
            Netns.in(net.client, "ping", "-c", "3", "-i", "0.3", "-W", "1", "10.8.0.1")
                .toArray(String[]::new));
      } catch (java.io.IOException pingHasNoReply) {
        // no TUN on the server side: ICMP goes unanswered, which is expected; the server log proves
        // receipt
      }
      assertThat(server.await(l -> l.startsWith("TUN "), 20_000)).as(server.output()).isNotNull();
      assertThat(server.await(l -> l.startsWith("DATA "), 20_000)).as(server.output()).isNotNull();
    } finally {
      f.deleteQuietly();
    }
  }
}
