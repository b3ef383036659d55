package dev.braid.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.braid.agent.testing.Descriptors;
import dev.braid.agent.testing.EchoHandler;
import dev.braid.agent.testing.NetNs;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random, truncated and oversized datagrams as fast as one sender can push them: the workers keep
 * running, count what they drop by reason, and leave no descriptor behind when stopped.
 */
class BadInputIT {
  private static final int DATAGRAMS = 40_000;

  @Test
  void garbageIsDroppedAndCountedWithoutCrashOrLeak() throws Exception {
    // The first round also makes the JDK open what it keeps open for good; the second must not
    // leave a single descriptor more behind.
    storm();
    List<String> fdsBefore = Descriptors.networkDescriptors();
    storm();
    assertThat(Descriptors.networkDescriptors())
        .as("open descriptors after the engine stopped")
        .containsExactlyElementsOf(fdsBefore);
  }

  private static void storm() throws Exception {
    try (NetNs server = NetNs.create("bad-s");
        NetNs client = NetNs.create("bad-c")) {
      server.veth("eth0", client, "eth0");
      server.ip("addr", "add", "10.66.0.1/24", "dev", "eth0");
      client.ip("addr", "add", "10.66.0.2/24", "dev", "eth0");
      EngineConfig config =
          EngineConfig.builder()
              .workers(2)
              .datagramSize(2048)
              .networkNamespace(server.name())
              .build();
      try (Engine engine = Engine.start(config, worker -> new EchoHandler(2048));
          DatagramChannel channel = client.call(DatagramChannel::open)) {
        InetSocketAddress target = new InetSocketAddress("10.66.0.1", engine.port());
        Random random = new Random(42);
        ByteBuffer big = ByteBuffer.allocate(20_000);
        long sent = 0;
        for (int i = 0; i < DATAGRAMS; i++) {
          ByteBuffer datagram = nextGarbage(random, big);
          if (channel.send(datagram, target) >= 0) {
            sent++;
          }
        }
        assertThat(sent).isEqualTo(DATAGRAMS);

        assertEchoStillWorks(client, target);
        assertThat(engine.failure()).isNull();
        List<CounterSnapshot> counters = engine.counters();
        counters.forEach(System.out::println);
        assertThat(sum(counters, LoopDrop.OVERSIZED)).isPositive();
        assertThat(sum(counters, LoopDrop.EMPTY)).isPositive();
        assertThat(sum(counters, LoopDrop.MALFORMED)).isPositive();
        assertThat(counters.stream().mapToLong(CounterSnapshot::datagramsIn).sum()).isPositive();
      }
    }
  }

  /** A mix: random bytes, a rejected opcode, 0-12 byte stubs, datagrams over the buffer. */
  private static ByteBuffer nextGarbage(Random random, ByteBuffer big) {
    int kind = random.nextInt(8);
    int length =
        switch (kind) {
          case 0, 1, 2 -> 1 + random.nextInt(1400);
          case 3, 4 -> random.nextInt(13);
          case 5 -> 2049 + random.nextInt(big.capacity() - 2049);
          default -> 20 + random.nextInt(200);
        };
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    if (kind >= 6 && length > 0) {
      bytes[0] = EchoHandler.REJECT;
    } else if (kind == 3 || kind == 4) {
      if (length > 0) {
        bytes[0] = (byte) (random.nextInt(16) << 3); // every opcode, too short for most
      }
    }
    return ByteBuffer.wrap(bytes);
  }

  private static void assertEchoStillWorks(NetNs client, InetSocketAddress target) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreException(SocketTimeoutException.class)
        .until(
            () -> {
              try (java.net.DatagramSocket probe = client.call(java.net.DatagramSocket::new)) {
                probe.setSoTimeout(1_000);
                byte[] hello = {1, 2, 3, 4, 5};
                probe.send(new java.net.DatagramPacket(hello, hello.length, target));
                java.net.DatagramPacket reply = new java.net.DatagramPacket(new byte[16], 16);
                probe.receive(reply);
                return reply.getLength() == hello.length + 1;
              }
            });
  }

  private static long sum(List<CounterSnapshot> counters, LoopDrop reason) {
    return counters.stream().mapToLong(c -> c.drops(reason)).sum();
  }
}
