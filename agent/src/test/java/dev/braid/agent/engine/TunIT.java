package dev.braid.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.braid.agent.testing.EchoHandler;
import dev.braid.agent.testing.NetNs;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A multiqueue TUN device with one queue per worker: packets the kernel routes into the device
 * reach the workers (spread over the queues), and packets the workers write come out of it.
 */
class TunIT {
  private static final int WORKERS = 2;
  private static final int FLOWS = 256;
  private static final int PACKETS_PER_FLOW = 8;
  private static final int TEST_PORT_BASE = 40_000;

  @Test
  void everyQueueAttachedAndRoutedPacketsReachTheWorkersWithoutLoss() throws Exception {
    AtomicLongArray perWorker = new AtomicLongArray(WORKERS);
    try (NetNs ns = NetNs.create("tun")) {
      EngineConfig config =
          EngineConfig.builder()
              .workers(WORKERS)
              .networkNamespace(ns.name())
              .tunName(NetNs.interfaceName("brt"))
              .build();
      try (Engine engine = Engine.start(config, handlers(perWorker))) {
        String tun = engine.tunName();
        ns.ip("addr", "add", "10.88.0.1/24", "dev", tun);
        // Room for a second or two of traffic, so that a worker descheduled on a loaded machine
        // does not turn into loss at the device queue or at the receiving socket.
        ns.ip("link", "set", tun, "txqueuelen", "10000", "up");
        ns.exec("sysctl", "-q", "-w", "net.core.rmem_max=8388608");
        assertThat(ns.exec("ls", "/sys/class/net/" + tun + "/queues").split("\\s+"))
            .containsExactlyInAnyOrder("rx-0", "rx-1", "tx-0", "tx-1");

        int total = FLOWS * PACKETS_PER_FLOW;
        AtomicLong reflected = new AtomicLong();
        try (DatagramSocket socket =
            ns.call(() -> new DatagramSocket(new InetSocketAddress("10.88.0.1", 0)))) {
          socket.setReceiveBufferSize(8 << 20);
          Thread reader = Thread.ofPlatform().start(() -> countReplies(socket, total, reflected));
          byte[] payload = new byte[64];
          for (int n = 0; n < PACKETS_PER_FLOW; n++) {
            for (int flow = 0; flow < FLOWS; flow++) {
              InetSocketAddress to =
                  new InetSocketAddress(
                      InetAddress.getByAddress(new byte[] {10, 88, 0, (byte) (2 + flow % 250)}),
                      TEST_PORT_BASE + flow);
              socket.send(new DatagramPacket(payload, payload.length, to));
              LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
            }
          }
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> perWorker.get(0) + perWorker.get(1) == total);
          reader.join(Duration.ofSeconds(30));
        }
        assertThat(perWorker.get(0)).as("packets on queue 0").isPositive();
        assertThat(perWorker.get(1)).as("packets on queue 1").isPositive();
        assertThat(reflected.get()).as("packets written back into TUN, received").isEqualTo(total);
        assertThat(engine.failure()).isNull();
      }
    }
  }

  private static void countReplies(DatagramSocket socket, int expected, AtomicLong count) {
    DatagramPacket reply = new DatagramPacket(new byte[128], 128);
    try {
      socket.setSoTimeout(10_000);
      while (count.get() < expected) {
        socket.receive(reply);
        count.incrementAndGet();
      }
    } catch (SocketTimeoutException e) {
      // the assertion on the count reports the loss
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Counts test UDP packets per worker and writes each back with addresses and ports swapped. */
  private static Engine.Handlers handlers(AtomicLongArray perWorker) {
    return new Engine.Handlers() {
      @Override
      public DatagramHandler datagramHandler(int worker) {
        return new EchoHandler(2048);
      }

      @Override
      public TunHandler tunHandler(int worker) {
        return (packets, context) -> {
          for (int i = 0; i < packets.size(); i++) {
            ByteBuffer p = packets.packet(i);
            if (isTestPacket(p)) {
              perWorker.incrementAndGet(context.loopIndex());
              swap(p, 12, 16, 4);
              swap(p, 20, 22, 2);
              context.writeTun(p);
            }
          }
        };
      }
    };
  }

  private static boolean isTestPacket(ByteBuffer p) {
    return p.remaining() >= 28
        && (p.get(0) & 0xFF) == 0x45
        && p.get(9) == 17
        && (p.getShort(22) & 0xFFFF) >= TEST_PORT_BASE
        && (p.getShort(22) & 0xFFFF) < TEST_PORT_BASE + FLOWS;
  }

  /** Swapping source and destination keeps both the IP and the UDP checksum valid. */
  private static void swap(ByteBuffer p, int a, int b, int length) {
    for (int i = 0; i < length; i++) {
      byte t = p.get(a + i);
      p.put(a + i, p.get(b + i));
      p.put(b + i, t);
    }
  }
}
