package dev.braid.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.braid.agent.nativeio.TcpOptions;
import dev.braid.agent.nativeio.TcpSocket;
import dev.braid.agent.testing.EchoHandler;
import dev.braid.agent.testing.NetNs;
import dev.braid.agent.transport.tcp.TcpFramer;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TCP loop is a peer of the workers: the same handler gets its de-framed packets with the
 * connection as their path, and what it sends on that path goes back framed on the same stream.
 */
class TcpLoopIT {
  @Test
  void framedPacketsReachTheHandlerAndItsRepliesGoBackFramedOnTheSameConnection() throws Exception {
    try (NetNs ns = NetNs.create("tcpl");
        Engine engine =
            Engine.start(
                EngineConfig.builder()
                    .workers(1)
                    .bindAddress(InetAddress.getByName("127.0.0.1"))
                    .networkNamespace(ns.name())
                    .tcp(true)
                    .build(),
                loop -> new EchoHandler(2048))) {
      InetSocketAddress gateway = new InetSocketAddress("127.0.0.1", engine.port());
      TcpSocket client =
          ns.call(
              () ->
                  TcpSocket.connect(gateway, false, TcpOptions.defaults(), Duration.ofSeconds(5)));
      try (client) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(TcpFramer.frame("hello".getBytes(StandardCharsets.US_ASCII)));
        stream.writeBytes(TcpFramer.frame("world".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer out = ByteBuffer.wrap(stream.toByteArray());
        while (out.hasRemaining()) {
          assertThat(client.write(out)).isPositive();
        }

        List<String> replies = read(client, 2);
        // The echo names the loop that answered: the TCP loop's index is the worker count.
        assertThat(replies).containsExactly("\u0001hello", "\u0001world");
        assertThat(engine.tcpCounters().datagramsIn()).isEqualTo(2);
        // The loop counts a write after the kernel took it, so the client may read it first.
        await()
            .atMost(Duration.ofSeconds(5))
            .untilAsserted(() -> assertThat(engine.tcpCounters().datagramsOut()).isEqualTo(2));
        assertThat(engine.counters().getFirst().datagramsIn()).isZero();
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> assertThat(engine.tcpDisconnects()).containsEntry("clean-close", 1L));
      assertThat(engine.tcpProtocol()).isNotNull();
      assertThat(engine.tcpFailure()).isNull();
    }
  }

  private static List<String> read(TcpSocket client, int packets) throws Exception {
    TcpFramer framer = new TcpFramer(TcpFramer.MAX_OPENVPN_PACKET);
    List<String> got = new ArrayList<>();
    ByteBuffer in = ByteBuffer.allocate(4096);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (got.size() < packets && System.nanoTime() < deadline) {
      client.awaitReadable(100);
      in.clear();
      int n = client.read(in);
      if (n > 0) {
        for (byte[] p : framer.feed(in.array(), 0, n)) {
          got.add(new String(p, StandardCharsets.US_ASCII));
        }
      }
    }
    return got;
  }
}
