package dev.braid.agent.testing;

import dev.braid.agent.engine.CounterSnapshot;
import dev.braid.agent.engine.Engine;
import dev.braid.agent.engine.EngineConfig;
import dev.braid.agent.engine.LoopDrop;
import dev.braid.agent.nativeio.NetworkNamespace;
import dev.braid.agent.nativeio.SendBatch;
import dev.braid.agent.nativeio.ThreadAffinity;
import dev.braid.agent.nativeio.UdpSocket;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * UDP to TUN forwarding without crypto, in network namespaces, next to the kernel forwarding the
 * same traffic. Not a test: it prints a table.
 *
 * <pre>
 * gen (10.90.0.2) --veth-- dut (10.90.0.1; engine + TUN 10.91.0.1) --veth-- sink (drops at ingress)
 * </pre>
 *
 * <p>Engine runs: each datagram is a 4-byte P_DATA_V2 header (peer-id = generator flow, so flow i
 * goes to worker i mod N) followed by an IPv4/UDP packet to 10.92.0.1; the worker strips the header
 * and writes the packet into its TUN queue; the kernel forwards it to the sink. Kernel runs: the
 * generator sends plain UDP of the same size to 10.92.0.1 and the kernel forwards it. Delivered =
 * packets leaving dut towards the sink.
 *
 * <p>Arguments (all optional): {@code sizes=1400,64 workers=1,2 engineCpus=0,1 genCpus=1 flows=2
 * seconds=5 rate=auto|0|PPS}. {@code rate=auto} adds runs at 60% of the one-worker maximum, the
 * same offered load for every worker count, to compare CPU time per packet.
 */
public final class ForwardingBenchmark {
  private static final String GEN_ADDR = "10.90.0.2";
  private static final String DUT_ADDR = "10.90.0.1";
  private static final byte[] INNER_SRC = {10, 91, 0, 2};
  private static final byte[] INNER_DST = {10, 92, 0, 1};
  private static final int BATCH = 64;

  private final NetNs gen;
  private final NetNs dut;
  private final NetNs sink;
  private final int[] engineCpus;
  private final int[] genCpus;
  private final int flows;
  private final int seconds;
  private final int repeat;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  private ForwardingBenchmark(
      NetNs gen,
      NetNs dut,
      NetNs sink,
      int[] engineCpus,
      int[] genCpus,
      int flows,
      int seconds,
      int repeat) {
    this.gen = gen;
    this.dut = dut;
    this.sink = sink;
    this.engineCpus = engineCpus;
    this.genCpus = genCpus;
    this.flows = flows;
    this.seconds = seconds;
    this.repeat = repeat;
  }

  /** One measured run. */
  record Row(
      String mode,
      int size,
      int workers,
      double offeredPps,
      double engineRxPps,
      double deliveredPps,
      double workerCpuNsPerPacket,
      double machineCpuNsPerPacket,
      long engineDrops) {

    String format() {
      return String.format(
          Locale.ROOT,
          "| %-7s | %5d | %7s | %10.0f | %10s | %10.0f | %6.2f | %10s | %10.0f | %6s |",
          mode,
          size,
          workers == 0 ? "-" : Integer.toString(workers),
          offeredPps,
          workers == 0 ? "-" : String.format(Locale.ROOT, "%.0f", engineRxPps),
          deliveredPps,
          deliveredPps * size * 8 / 1e9,
          workers == 0 ? "-" : String.format(Locale.ROOT, "%.0f", workerCpuNsPerPacket),
          machineCpuNsPerPacket,
          workers == 0 ? "-" : Long.toString(engineDrops));
    }
  }

  public static void main(String[] args) throws Exception {
    int[] sizes = {1400, 64};
    int[] workerCounts = {1, 2};
    int[] engineCpus = {0, 1};
    int[] genCpus = {1};
    int flows = 2;
    int seconds = 5;
    String rate = "auto";
    int repeat = 1;
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      switch (kv[0]) {
        case "sizes" -> sizes = ints(kv[1]);
        case "workers" -> workerCounts = ints(kv[1]);
        case "engineCpus" -> engineCpus = ints(kv[1]);
        case "genCpus" -> genCpus = ints(kv[1]);
        case "flows" -> flows = Integer.parseInt(kv[1]);
        case "seconds" -> seconds = Integer.parseInt(kv[1]);
        case "rate" -> rate = kv[1];
        case "repeat" -> repeat = Integer.parseInt(kv[1]);
        default -> throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    System.out.printf(
        "# %d CPUs; engine CPUs %s, generator CPUs %s, %d flows, %d s per run, best of %d,"
            + " batch %d; load average %s%n",
        Runtime.getRuntime().availableProcessors(),
        Arrays.toString(engineCpus),
        Arrays.toString(genCpus),
        flows,
        seconds,
        repeat,
        BATCH,
        loadAverage());
    List<Row> rows = new ArrayList<>();
    try (NetNs gen = NetNs.create("bgen");
        NetNs dut = NetNs.create("bdut");
        NetNs sink = NetNs.create("bsink")) {
      ForwardingBenchmark bench =
          new ForwardingBenchmark(gen, dut, sink, engineCpus, genCpus, flows, seconds, repeat);
      bench.topology();
      for (int size : sizes) {
        rows.add(bench.kernel(size, 0));
        double oneWorkerMax = 0;
        for (int w : workerCounts) {
          Row row = bench.engine(size, w, 0);
          rows.add(row);
          if (w == workerCounts[0]) {
            oneWorkerMax = row.deliveredPps();
          }
        }
        for (int w : workerCounts) {
          rows.add(bench.engineFromTun(size, w));
        }
        rows.add(bench.receiveOnly(size, workerCounts[0]));
        long fixed = rate.equals("auto") ? Math.round(oneWorkerMax * 0.6) : Long.parseLong(rate);
        if (fixed > 0) {
          rows.add(bench.kernel(size, fixed));
          for (int w : workerCounts) {
            rows.add(bench.engine(size, w, fixed));
          }
        }
      }
    }
    System.out.println();
    System.out.println("# load average at the end: " + loadAverage());
    System.out.println(
        "| mode    |  size | workers | offered/s  | engine in/s | delivered/s | Gbit/s |"
            + " worker CPU ns/pkt | machine CPU ns/pkt | drops |");
    System.out.println(
        "|---------|------:|--------:|-----------:|-----------:|-----------:|-------:|-----------:|"
            + "-----------:|-------:|");
    rows.forEach(r -> System.out.println(r.format()));
  }

  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).strip();
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  private void topology() throws IOException {
    gen.veth("g0", dut, "d0");
    dut.veth("d1", sink, "s0");
    gen.ip("addr", "add", GEN_ADDR + "/24", "dev", "g0");
    gen.ip("route", "add", "10.92.0.0/16", "via", DUT_ADDR);
    gen.ip("route", "add", "10.91.0.0/24", "via", DUT_ADDR);
    dut.ip("addr", "add", DUT_ADDR + "/24", "dev", "d0");
    dut.ip("addr", "add", "10.93.0.1/24", "dev", "d1");
    dut.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    dut.exec("sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0");
    dut.exec("sysctl", "-q", "-w", "net.ipv4.conf.default.rp_filter=0");
    dut.exec("sysctl", "-q", "-w", "net.core.rmem_max=16777216");
    String sinkMac = sink.exec("cat", "/sys/class/net/s0/address").strip();
    // The sink drops everything at ingress, ARP included, so its neighbour entry is static.
    dut.ip("neigh", "add", "10.93.0.2", "lladdr", sinkMac, "dev", "d1", "nud", "permanent");
    dut.ip("route", "add", "10.92.0.0/16", "via", "10.93.0.2", "dev", "d1");
    Path rules = Files.createTempFile("braid-sink", ".nft");
    Files.writeString(
        rules,
        """
        table netdev sink {
          chain in {
            type filter hook ingress device "s0" priority -500; policy drop;
          }
        }
        """);
    try {
      sink.exec("nft", "-f", rules.toString());
    } finally {
      Files.delete(rules);
    }
  }

  private Row kernel(int size, long rate) throws Exception {
    byte[] payload = new byte[size];
    InetSocketAddress target = new InetSocketAddress(InetAddress.getByAddress(INNER_DST), 9);
    return measure(new Load("kernel", size, 0, null, flow -> payload, target, rate));
  }

  private Row engine(int size, int workers, long rate) throws Exception {
    try (Engine engine = startEngine(workers, worker -> ForwardingBenchmark::decapsulate)) {
      InetSocketAddress target =
          new InetSocketAddress(InetAddress.getByName(DUT_ADDR), engine.port());
      return checked(
          engine,
          measure(
              new Load("engine", size, workers, engine, flow -> dataV2(flow, size), target, rate)));
    }
  }

  /**
   * The receive half alone: the workers take the datagrams and drop them, which separates the cost
   * of recvmmsg and the Java side from the TUN write and the kernel's forwarding.
   */
  private Row receiveOnly(int size, int workers) throws Exception {
    Engine.Handlers dropAll =
        worker -> (datagrams, context) -> context.drop(LoopDrop.NO_ROUTE, datagrams.size());
    try (Engine engine = startEngine(workers, dropAll)) {
      InetSocketAddress target =
          new InetSocketAddress(InetAddress.getByName(DUT_ADDR), engine.port());
      return checked(
          engine,
          measure(
              new Load("udp>nul", size, workers, engine, flow -> dataV2(flow, size), target, 0)));
    }
  }

  /** Starts an engine in dut with a TUN device that has 10.91.0.1/24 and is up. */
  private Engine startEngine(int workers, Engine.Handlers handlers) throws IOException {
    EngineConfig config =
        EngineConfig.builder()
            .workers(workers)
            .networkNamespace(dut.name())
            .tunName("brbench")
            .cpus(engineCpus)
            .socketBuffer(8 << 20)
            .build();
    Engine engine = Engine.start(config, handlers);
    try {
      dut.ip("addr", "add", "10.91.0.1/24", "dev", engine.tunName());
      dut.ip("link", "set", engine.tunName(), "up");
      return engine;
    } catch (IOException | RuntimeException e) {
      engine.close();
      throw e;
    }
  }

  private static Row checked(Engine engine, Row row) {
    if (engine.failure() != null) {
      throw new IllegalStateException("worker failed", engine.failure());
    }
    return row;
  }

  /**
   * The TUN -> UDP direction: the generator's plain UDP is routed into the TUN device; each worker
   * reads its queue, prepends a DATA_V2 header and sends the result to the sink as UDP.
   */
  private Row engineFromTun(int size, int workers) throws Exception {
    InetSocketAddress sinkAddress = new InetSocketAddress(InetAddress.getByName("10.93.0.2"), 9);
    Engine.Handlers handlers =
        new Engine.Handlers() {
          @Override
          public dev.braid.agent.engine.DatagramHandler datagramHandler(int worker) {
            return ForwardingBenchmark::decapsulate;
          }

          @Override
          public dev.braid.agent.engine.TunHandler tunHandler(int worker) {
            dev.braid.agent.engine.UdpPath toSink =
                new dev.braid.agent.engine.UdpPath(sinkAddress, null, 0);
            ByteBuffer out = ByteBuffer.allocateDirect(4 + 2048);
            return (packets, context) -> {
              for (int i = 0; i < packets.size(); i++) {
                out.clear();
                out.putInt((9 << 27) | worker).put(packets.packet(i)).flip();
                context.send(toSink, out);
              }
            };
          }
        };
    try (Engine engine = startEngine(workers, handlers)) {
      byte[] payload = new byte[Math.max(1, size - 4 - 28)];
      InetSocketAddress target = new InetSocketAddress(InetAddress.getByName("10.91.0.2"), 9);
      return checked(
          engine, measure(new Load("tun>udp", size, workers, engine, flow -> payload, target, 0)));
    }
  }

  /** The UDP -> TUN half of a VPN without crypto: strip the DATA_V2 header, write the rest. */
  private static void decapsulate(
      dev.braid.agent.engine.Datagrams datagrams, dev.braid.agent.engine.LoopContext context) {
    for (int i = 0; i < datagrams.size(); i++) {
      ByteBuffer p = datagrams.payload(i);
      if (p.remaining() <= 24 || (p.get(0) & 0xFF) >>> 3 != 9) {
        context.drop(LoopDrop.MALFORMED, 1);
        continue;
      }
      context.writeTun(p.position(4));
    }
  }

  /** P_DATA_V2 header (peer-id = flow) + IPv4/UDP packet; {@code size} bytes in all. */
  private static byte[] dataV2(int flow, int size) {
    ByteBuffer b = ByteBuffer.allocate(Math.max(size, 32));
    b.putInt((9 << 27) | flow);
    int ipLength = b.capacity() - 4;
    int ip = b.position();
    b.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) 0);
    b.putShort((short) 0).put((byte) 64).put((byte) 17).putShort((short) 0);
    b.put(INNER_SRC).put(INNER_DST);
    b.putShort((short) (40000 + flow)).putShort((short) 9).putShort((short) (ipLength - 20));
    b.putShort((short) 0);
    int sum = 0;
    for (int i = 0; i < 20; i += 2) {
      sum += b.getShort(ip + i) & 0xFFFF;
    }
    sum = (sum & 0xFFFF) + (sum >>> 16);
    sum = (sum & 0xFFFF) + (sum >>> 16);
    b.putShort(ip + 10, (short) ~sum);
    return b.array();
  }

  private interface PayloadFor {
    byte[] payload(int flow);
  }

  /** One configuration to measure; {@code engine} is null for the kernel. */
  private record Load(
      String mode,
      int size,
      int workers,
      Engine engine,
      PayloadFor payloads,
      InetSocketAddress target,
      long rate) {}

  /** Runs {@link #measureOnce} {@code repeat} times and keeps the run that delivered most. */
  private Row measure(Load load) throws Exception {
    Row best = null;
    for (int i = 0; i < repeat; i++) {
      Row row = measureOnce(load);
      if (best == null || row.deliveredPps() > best.deliveredPps()) {
        best = row;
      }
    }
    return best;
  }

  private Row measureOnce(Load load) throws Exception {
    Engine engine = load.engine();
    long rate = load.rate();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong sent = new AtomicLong();
    List<Thread> generators = new ArrayList<>();
    List<UdpSocket> sockets = new ArrayList<>();
    try (NetworkNamespace ignored = NetworkNamespace.enter(gen.name())) {
      for (int f = 0; f < flows; f++) {
        sockets.add(
            UdpSocket.bind(
                new InetSocketAddress(InetAddress.getByName(GEN_ADDR), 0),
                UdpSocket.Options.defaults().withReusePort(false).withBuffers(0, 4 << 20)));
      }
    }
    try {
      for (int f = 0; f < flows; f++) {
        UdpSocket socket = sockets.get(f);
        byte[] payload = load.payloads().payload(f);
        int cpu = genCpus[f % genCpus.length];
        long perFlowRate = rate / flows;
        generators.add(
            Thread.ofPlatform()
                .name("braid-gen-" + f)
                .start(
                    () -> generate(socket, payload, load.target(), cpu, perFlowRate, stop, sent)));
      }
      Thread.sleep(1_000);
      Sample before = sample(engine, generators);
      long sentBefore = sent.get();
      Thread.sleep(seconds * 1_000L);
      Sample after = sample(engine, generators);
      long offered = sent.get() - sentBefore;
      double secs = (after.nanos - before.nanos) / 1e9;
      long delivered = after.delivered - before.delivered;
      long rx = after.engineRx - before.engineRx;
      // Receive-only runs deliver nothing; their machine time is per datagram received.
      long forwarded = load.mode().equals("udp>nul") ? rx : delivered;
      Row row =
          new Row(
              load.mode() + (rate > 0 ? "@" : ""),
              load.size(),
              load.workers(),
              offered / secs,
              rx / secs,
              delivered / secs,
              rx == 0 ? 0 : (double) (after.workerCpuNanos - before.workerCpuNanos) / rx,
              machineCpuPerPacket(after.machineCpuNanos - before.machineCpuNanos, forwarded),
              after.engineDrops - before.engineDrops);
      System.out.println(row.format());
      return row;
    } finally {
      stop.set(true);
      for (Thread t : generators) {
        t.join();
      }
      for (UdpSocket s : sockets) {
        s.close();
      }
    }
  }

  private static double machineCpuPerPacket(long busyNanos, long packets) {
    return packets == 0 ? 0 : busyNanos / (double) packets;
  }

  private static void generate(
      UdpSocket socket,
      byte[] payload,
      InetSocketAddress target,
      int cpu,
      long rate,
      AtomicBoolean stop,
      AtomicLong sent) {
    try (SendBatch batch = socket.newSendBatch(BATCH, payload.length)) {
      ThreadAffinity.pinCurrentThread(cpu);
      for (int i = 0; i < BATCH; i++) {
        batch.add(target, null, 0, ByteBuffer.wrap(payload));
      }
      long interval = rate > 0 ? 1_000_000_000L * BATCH / rate : 0;
      long next = System.nanoTime();
      while (!stop.get()) {
        int skipped = socket.sendKeepingBatch(batch);
        sent.addAndGet(BATCH - skipped);
        if (interval > 0) {
          next += interval;
          long wait = next - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private record Sample(
      long nanos,
      long delivered,
      long engineRx,
      long engineDrops,
      long workerCpuNanos,
      long machineCpuNanos) {}

  private Sample sample(Engine engine, List<Thread> generators) throws IOException {
    long rx = 0;
    long drops = 0;
    long cpu = 0;
    if (engine != null) {
      for (CounterSnapshot c : engine.counters()) {
        rx += c.datagramsIn() + c.tunPacketsIn();
        drops += c.drops();
      }
      for (long id : engine.workerThreadIds()) {
        cpu += Math.max(0, threads.getThreadCpuTime(id));
      }
    }
    long delivered =
        Long.parseLong(dut.exec("cat", "/sys/class/net/d1/statistics/tx_packets").strip());
    return new Sample(System.nanoTime(), delivered, rx, drops, cpu, machineBusyNanos());
  }

  /** Busy CPU time of the whole machine (all CPUs, everything but idle and iowait). */
  private static long machineBusyNanos() throws IOException {
    String cpuLine = Files.readAllLines(Path.of("/proc/stat")).getFirst();
    String[] f = cpuLine.trim().split("\\s+");
    long busy = 0;
    for (int i = 1; i < f.length && i <= 8; i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(f[i]);
      }
    }
    return busy * 10_000_000L; // USER_HZ = 100
  }
}
