package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.braid.agent.testing.NetNs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of one TUN write of an off-heap IPv4/UDP packet, by how the virtio_net_hdr gets in front
 * of it: {@code copy} (what {@link TunWriter#write} does: copy behind a zero header, one write),
 * {@code writev} (static header + packet, no copy), {@code inplace} (header written into room in
 * front of the packet, one write), and {@code novnet} (a device without IFF_VNET_HDR). The modes
 * alternate in one thread, round after round; a blackhole route drops the packets right after IP
 * input. Prints the median per mode. Needs root (a network namespace).
 *
 * <p>Arguments (optional): {@code sizes=1400,64 writes=300000 rounds=7}.
 */
public final class TunWriteBenchmark {
  private static final List<String> MODES = List.of("copy", "writev", "inplace", "novnet");

  private TunWriteBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (String a : args) {
      String[] kv = a.split("=", 2);
      opts.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    int writes = Integer.parseInt(opts.getOrDefault("writes", "300000"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "7"));
    try (NetNs ns = NetNs.create("tunwrite");
        TunDevice vnet =
            ns.call(() -> TunDevice.open(NetNs.interfaceName("brv"), 1, 8, 2048, true));
        TunDevice plain =
            ns.call(() -> TunDevice.open(NetNs.interfaceName("brp"), 1, 8, 2048, false))) {
      ns.ip("addr", "add", "10.95.0.1/24", "dev", vnet.name());
      ns.ip("addr", "add", "10.95.1.1/24", "dev", plain.name());
      ns.ip("link", "set", vnet.name(), "up");
      ns.ip("link", "set", plain.name(), "up");
      ns.ip("route", "add", "blackhole", "10.96.0.0/24");
      // Both devices get the same source address: no reverse-path filter may drop one side early.
      for (String conf : List.of("all", "default", vnet.name(), plain.name())) {
        ns.exec("sysctl", "-q", "-w", "net.ipv4.conf." + conf + ".rp_filter=0");
      }
      System.out.printf(
          "# %d writes per round, %d rounds (+1 warm-up), load average %s%n",
          writes, rounds, loadAverage());
      System.out.println("| size | mode | CPU ns/write (median) | / copy |");
      System.out.println("|---:|---|---:|---:|");
      for (String size : opts.getOrDefault("sizes", "1400,64").split(",")) {
        new Run(vnet.queues().get(0), plain.queues().get(0), Integer.parseInt(size))
            .measure(writes, rounds);
      }
      System.out.printf("# load average at the end: %s%n", loadAverage());
    }
  }

  private static String loadAverage() throws java.io.IOException {
    return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
  }

  /** One packet size: the packet, the writers and the per-mode results. */
  private static final class Run {
    private static final MethodHandle WRITEV =
        LibC.withErrno("writev", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Arena arena = Arena.ofAuto();
    private final int size;
    private final TunQueue vnet;
    private final TunWriter vnetWriter;
    private final TunWriter plainWriter;
    private final MemorySegment room; // 16 spare bytes, then the packet
    private final ByteBuffer packet;
    private final MemorySegment iovecs;
    private final Map<String, List<Double>> results = new LinkedHashMap<>();

    Run(TunQueue vnet, TunQueue plain, int size) {
      this.size = size;
      this.vnet = vnet;
      this.vnetWriter = vnet.newWriter();
      this.plainWriter = plain.newWriter();
      this.room = arena.allocate(16 + size, 64);
      this.packet = room.asSlice(16, size).asByteBuffer();
      fillPacket(packet, size);
      this.iovecs = arena.allocate(32, 8);
      iovecs.set(ADDRESS, 0, arena.allocate(TunQueue.VNET_HDR, 8));
      iovecs.set(JAVA_LONG, 8, TunQueue.VNET_HDR);
    }

    void measure(int writes, int rounds) {
      for (int r = 0; r <= rounds; r++) {
        for (String mode : MODES) {
          long start = threads.getCurrentThreadCpuTime();
          int failed = 0;
          for (int i = 0; i < writes; i++) {
            failed += writeOnce(mode) == 0 ? 0 : 1;
          }
          double ns = (threads.getCurrentThreadCpuTime() - start) / (double) writes;
          if (failed > 0) {
            throw new IllegalStateException(mode + ": " + failed + " writes failed");
          }
          if (r > 0) {
            results.computeIfAbsent(mode, m -> new ArrayList<>()).add(ns);
          }
        }
      }
      vnetWriter.close();
      plainWriter.close();
      double copy = median(results.get("copy"));
      for (String mode : MODES) {
        double m = median(results.get(mode));
        System.out.printf("| %d | %s | %.0f | %.2f |%n", size, mode, m, m / copy);
      }
    }

    /** 0, or the errno. */
    private int writeOnce(String mode) {
      int fd = vnet.fd().intValue();
      return switch (mode) {
        case "copy" -> vnetWriter.write(packet.clear());
        case "novnet" -> plainWriter.write(packet.clear());
        case "inplace" -> {
          MemorySegment frame = room.asSlice(16 - TunQueue.VNET_HDR, TunQueue.VNET_HDR + size);
          frame.asSlice(0, TunQueue.VNET_HDR).fill((byte) 0);
          yield errno(LibC.write(fd, frame, frame.byteSize()));
        }
        case "writev" -> {
          // The packet's address changes per call in real use: set it every time.
          MemorySegment source = MemorySegment.ofBuffer(packet.clear());
          iovecs.set(ADDRESS, 16, source);
          iovecs.set(JAVA_LONG, 24, source.byteSize());
          MemorySegment capture = LibC.CAPTURE.get();
          try {
            yield errno(LibC.result(capture, (long) WRITEV.invokeExact(capture, fd, iovecs, 2)));
          } catch (Throwable t) {
            throw new IllegalStateException("writev", t);
          }
        }
        default -> throw new IllegalArgumentException(mode);
      };
    }

    private static int errno(long rc) {
      return rc < 0 ? (int) -rc : 0;
    }

    private static double median(List<Double> values) {
      double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** IPv4/UDP 10.95.0.2:5000 -> 10.96.0.1:5001 with a valid header checksum, UDP checksum 0. */
    private static void fillPacket(ByteBuffer p, int size) {
      byte[] b = new byte[size];
      b[0] = 0x45;
      b[2] = (byte) (size >>> 8);
      b[3] = (byte) size;
      b[8] = 64;
      b[9] = 17;
      byte[] addrs = {10, 95, 0, 2, 10, 96, 0, 1};
      System.arraycopy(addrs, 0, b, 12, 8);
      b[20] = (byte) (5000 >>> 8);
      b[21] = (byte) 5000;
      b[22] = (byte) (5001 >>> 8);
      b[23] = (byte) 5001;
      b[24] = (byte) ((size - 20) >>> 8);
      b[25] = (byte) (size - 20);
      long sum = 0;
      for (int i = 0; i < 20; i += 2) {
        sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
      }
      while ((sum >>> 16) != 0) {
        sum = (sum & 0xFFFF) + (sum >>> 16);
      }
      b[10] = (byte) (~sum >>> 8);
      b[11] = (byte) ~sum;
      p.clear().put(b).clear();
    }
  }
}
