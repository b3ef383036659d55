package dev.braid.e2e.harness;

import dev.braid.agent.nativeio.Epoll;
import dev.braid.agent.nativeio.NativeIoException;
import dev.braid.agent.nativeio.NetworkNamespace;
import dev.braid.agent.nativeio.TunDevice;
import dev.braid.agent.nativeio.TunQueue;
import dev.braid.agent.nativeio.TunWriter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A user-space delay line for IP packets (this kernel has no netem): a program, run in its own JVM
 * by {@link DelayBoxProcess}, that owns TUN devices in router namespaces. The router's policy
 * routing sends every packet arriving on one of its links into a TUN device; this program reads the
 * packet, holds it for the channel's delay and writes it back into the same device, and the kernel
 * forwards it out of the router's other link.
 *
 * <p>Each TUN device is one channel, one direction of one path. Per channel: a reader thread stamps
 * each packet with its release time (monotonic clock) and queues it in a bounded FIFO; a writer
 * thread writes it back when that time has come. Release times never go backwards, so a shorter
 * delay set at run time cannot reorder packets; a full queue drops the packet and counts it.
 *
 * <p>Arguments: {@code capacity=PACKETS} (per channel, default 20000), then one {@code
 * NAMESPACE:TUN} per channel. Line protocol on stdin/stdout: the program prints {@code ready} once
 * every device is open; {@code delay CHANNEL MICROS} answers {@code ok}; {@code stats} answers
 * {@code stats} followed by {@code
 * received,receivedBytes,forwarded,forwardedBytes,queueDrops,writeErrors,lastForwardNanos} per
 * channel; end of input (the owner closed the pipe or died) ends the program, and the devices
 * disappear with it.
 */
public final class DelayBox {
  private static final int PACKET_SIZE = 65535; // a forwarded packet is never larger
  private static final int BATCH = 16;

  private DelayBox() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
    int capacity = 20_000;
    List<Channel> channels = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("capacity=")) {
        capacity = Integer.parseInt(arg.substring("capacity=".length()));
        continue;
      }
      String[] nsTun = arg.split(":", 2);
      if (nsTun.length != 2) {
        throw new IllegalArgumentException("expected NAMESPACE:TUN, got " + arg);
      }
      int cap = capacity;
      TunDevice tun =
          NetworkNamespace.call(nsTun[0], () -> TunDevice.open(nsTun[1], 1, BATCH, PACKET_SIZE));
      channels.add(new Channel(arg, tun, cap, out));
    }
    for (Channel c : channels) {
      c.start();
    }
    out.println("ready");
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] f = line.trim().split("\\s+");
      try {
        switch (f[0]) {
          case "delay" -> {
            channels.get(Integer.parseInt(f[1])).delayNanos = Long.parseLong(f[2]) * 1000;
            out.println("ok");
          }
          case "stats" -> {
            StringBuilder sb = new StringBuilder("stats");
            for (Channel c : channels) {
              sb.append(' ').append(c.stats());
            }
            out.println(sb);
          }
          default -> out.println("error unknown command: " + line);
        }
      } catch (RuntimeException e) {
        out.println("error " + line + ": " + e);
      }
    }
    // The owner is gone: the devices close with the process, and with them the routes into them.
    System.exit(0);
  }

  /** A packet waiting for its release time. */
  private record Held(long releaseNanos, byte[] packet) {}

  /** One TUN device: one direction of one path. */
  private static final class Channel {
    private final String name;
    private final TunDevice tun;
    private final TunQueue queue;
    private final BlockingQueue<Held> held;
    private final PrintStream out;
    volatile long delayNanos;
    private long lastRelease = Long.MIN_VALUE;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong receivedBytes = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong forwardedBytes = new AtomicLong();
    private final AtomicLong queueDrops = new AtomicLong();
    private final AtomicLong writeErrors = new AtomicLong();
    private volatile long lastForwardNanos;

    Channel(String name, TunDevice tun, int capacity, PrintStream out) {
      this.name = name;
      this.tun = tun;
      this.queue = tun.queues().getFirst();
      this.held = new ArrayBlockingQueue<>(capacity);
      this.out = out;
    }

    void start() {
      Thread.ofPlatform().daemon().name("read-" + name).start(() -> guarded(this::readLoop));
      Thread.ofPlatform().daemon().name("write-" + name).start(() -> guarded(this::writeLoop));
    }

    /** A failing channel ends the program: the owner sees it die instead of a silent gap. */
    private void guarded(ThrowingRunnable loop) {
      try {
        loop.run();
      } catch (Exception | Error e) {
        out.println("fatal " + name + ": " + e);
        e.printStackTrace();
        Runtime.getRuntime().halt(1);
      }
    }

    private void readLoop() throws NativeIoException {
      try (Epoll epoll = Epoll.create(1)) {
        epoll.add(queue.fd(), Epoll.READABLE, 0);
        while (true) {
          epoll.await(-1);
          int n = queue.readBatch();
          long now = System.nanoTime();
          for (int i = 0; i < n; i++) {
            ByteBuffer p = queue.packet(i);
            byte[] copy = new byte[p.remaining()];
            p.get(copy);
            received.incrementAndGet();
            receivedBytes.addAndGet(copy.length);
            // Never earlier than the packet before: a delay lowered at run time must not reorder.
            long release = Math.max(now + delayNanos, lastRelease);
            if (held.offer(new Held(release, copy))) {
              lastRelease = release;
            } else {
              queueDrops.incrementAndGet();
            }
          }
        }
      }
    }

    private void writeLoop() throws InterruptedException {
      try (TunWriter writer = queue.newWriter()) {
        while (true) {
          Held h = held.take();
          long wait;
          while ((wait = h.releaseNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          if (writer.write(ByteBuffer.wrap(h.packet)) == 0) {
            forwarded.incrementAndGet();
            forwardedBytes.addAndGet(h.packet.length);
            lastForwardNanos = System.nanoTime();
          } else {
            writeErrors.incrementAndGet();
          }
        }
      }
    }

    String stats() {
      return received.get()
          + ","
          + receivedBytes.get()
          + ","
          + forwarded.get()
          + ","
          + forwardedBytes.get()
          + ","
          + queueDrops.get()
          + ","
          + writeErrors.get()
          + ","
          + lastForwardNanos;
    }

    @Override
    public String toString() {
      return name + " (" + tun.name() + ")";
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
