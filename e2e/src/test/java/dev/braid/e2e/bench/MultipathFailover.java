package dev.braid.e2e.bench;

import dev.braid.e2e.harness.DelayBoxProcess.ChannelStats;
import dev.braid.e2e.harness.Iperf3;
import dev.braid.e2e.harness.MultipathTopology;
import dev.braid.e2e.harness.SequencedProbe;
import dev.braid.e2e.harness.Uplink;
import dev.braid.e2e.harness.Uplink.Direction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * The failover rows of the {@link Multipath} benchmark. Per contender: a bulk iperf3 transfer (one
 * flow) and a paced sequenced probe run together; path A is blackholed (nft drop, links up) at
 * {@code blackholeAt} seconds into the transfer and restored at {@code restoreAt}. Reported: the
 * probe's largest inter-arrival gap and losses; the goodput's near-zero stretch and how long until
 * it reaches 80% of the surviving paths' rate; how long after the restore path A carries traffic
 * again (its delay box counter, site to hub: 10% of its rate in each 100 ms for 300 ms); and the
 * goodput per second.
 */
final class MultipathFailover {
  static final int PROBE_PORT = 7000;
  private static final long SAMPLE_NANOS = 50_000_000L;
  private static final double INTERVAL = 0.1;

  /**
   * One row; {@code failure} non-null when it did not run as asked.
   *
   * @param blackholeAt when A was blackholed, seconds into the transfer (measured)
   * @param restoreAt when A was restored, likewise
   * @param nearZeroLongest the longest run of 0.1 s intervals below 10% of the goodput before the
   *     blackhole, seconds
   * @param nearZeroTotal all such intervals between blackhole and restore, seconds
   * @param to80 from the blackhole until goodput stays at 80% of the surviving paths' rate for 0.3
   *     s, seconds; NaN if not before the restore
   * @param aBackAfter from the restore until path A carries 10% of its rate again (see {@link
   *     #backOnPath}), seconds; NaN if never during the transfer
   * @param perSecond goodput in each second of the transfer, Mbit/s
   */
  record Row(
      String system,
      SequencedProbe.Result probe,
      String probeOver,
      double blackholeAt,
      double restoreAt,
      double nearZeroLongest,
      double nearZeroTotal,
      double to80,
      double aBackAfter,
      double mbit,
      List<Double> perSecond,
      String failure) {

    static final String MARKDOWN_HEADER =
        "| system | probe | probe max gap ms (began at s) | probe lost / sent | probe gaps >= 100 ms |"
            + " goodput near-zero longest / total s | 80% of surviving path after s |"
            + " A carries traffic again after restore, s |\n"
            + "|---|---|--:|--:|---|--:|--:|--:|";

    static final String CSV_HEADER =
        "system,probe_over,probe_max_gap_ms,probe_max_gap_at_s,probe_lost,probe_sent,"
            + "probe_reordered,probe_one_way_p50_ms,probe_one_way_p99_ms,blackhole_at_s,restore_at_s,"
            + "near_zero_longest_s,near_zero_total_s,to80_s,a_back_after_s,goodput_mbit,"
            + "goodput_per_second,status";

    String markdown() {
      if (failure != null) {
        return String.format(
            Locale.ROOT, "| %s | FAILED: %s |", system, MultipathBulk.oneLine(failure));
      }
      return String.format(
          Locale.ROOT,
          "| %s | %s | %.0f (%.2f) | %d / %d | %s | %.1f / %.1f | %s | %s |",
          system,
          probeOver,
          probe.maxGapMillis(),
          probe.maxGapAtSeconds(),
          probe.lost(),
          probe.sent(),
          probe.gaps().isEmpty()
              ? "none"
              : probe.gaps().stream()
                  .map(g -> String.format(Locale.ROOT, "%.0f@%.1f", g.millis(), g.atSeconds()))
                  .collect(Collectors.joining(" ")),
          nearZeroLongest,
          nearZeroTotal,
          Double.isNaN(to80) ? "not before restore" : String.format(Locale.ROOT, "%.1f", to80),
          Double.isNaN(aBackAfter)
              ? "not during the run"
              : String.format(Locale.ROOT, "%.2f", aBackAfter));
    }

    String csv() {
      if (failure != null) {
        return system + ",,,,,,,,,,,,,,,,,\"FAILED: " + failure.replace('"', '\'') + "\"";
      }
      return String.join(
          ",",
          system,
          probeOver,
          MultipathBulk.fmt(probe.maxGapMillis()),
          MultipathBulk.fmt(probe.maxGapAtSeconds()),
          String.valueOf(probe.lost()),
          String.valueOf(probe.sent()),
          String.valueOf(probe.reordered()),
          MultipathBulk.fmt(probe.oneWayP50Millis()),
          MultipathBulk.fmt(probe.oneWayP99Millis()),
          MultipathBulk.fmt(blackholeAt),
          MultipathBulk.fmt(restoreAt),
          MultipathBulk.fmt(nearZeroLongest),
          MultipathBulk.fmt(nearZeroTotal),
          MultipathBulk.fmt(to80),
          MultipathBulk.fmt(aBackAfter),
          MultipathBulk.fmt(mbit),
          perSecond.stream().map(MultipathBulk::fmt).collect(Collectors.joining(" ")),
          "ok");
    }
  }

  /** When the path A counter was read, and what it said (site to hub, forwarded bytes). */
  record Sample(long nanos, long bytes) {}

  private MultipathFailover() {}

  static Row run(
      MultipathTopology topology,
      Contender contender,
      int seconds,
      double blackholeAt,
      double restoreAt,
      int probeRate,
      String cc,
      double survivingMbit) {
    Traffic traffic;
    try {
      traffic = contender.setUp(topology);
    } catch (Exception e) {
      return failed(contender, "set-up: " + e);
    }
    Uplink a = topology.uplink(0);
    try {
      return measure(
          topology,
          contender,
          traffic,
          a,
          seconds,
          blackholeAt,
          restoreAt,
          probeRate,
          cc,
          survivingMbit);
    } catch (Exception e) {
      return failed(contender, MultipathBulk.causeOf(e));
    } finally {
      try {
        a.blackhole(false);
        contender.tearDown(topology);
      } catch (Exception e) {
        System.err.println(contender.name() + " tear-down failed: " + e);
      }
    }
  }

  private static Row failed(Contender contender, String why) {
    return new Row(contender.name(), null, "", 0, 0, 0, 0, 0, 0, 0, List.of(), why);
  }

  private static Row measure(
      MultipathTopology topology,
      Contender contender,
      Traffic traffic,
      Uplink a,
      int seconds,
      double blackholeAt,
      double restoreAt,
      int probeRate,
      String cc,
      double survivingMbit)
      throws Exception {
    SequencedProbe probe =
        traffic.probeOverMptcp()
            ? SequencedProbe.mptcp(
                traffic.client(), traffic.server(), traffic.serverAddress(), PROBE_PORT, probeRate)
            : SequencedProbe.udp(
                traffic.client(),
                traffic.probeSource(),
                traffic.server(),
                traffic.serverAddress(),
                PROBE_PORT,
                probeRate);
    List<Sample> samples = new ArrayList<>();
    Iperf3 iperf = null;
    Thread sampler = null;
    try {
      sampler =
          Thread.ofPlatform().daemon().name("path-a-counter").start(() -> sampleA(a, samples));
      iperf =
          Iperf3.start(
              traffic.server(),
              traffic.client(),
              traffic.serverAddress(),
              MultipathBulk.IPERF_PORT,
              traffic.wrapper(),
              traffic.clientOptions(),
              seconds,
              1,
              cc,
              INTERVAL);
      long t0 = System.nanoTime();
      CompletableFuture<Void> check =
          CompletableFuture.runAsync(
              () -> {
                MultipathBulk.sleep((long) (Math.max(2, blackholeAt - 1.5) * 1000));
                try {
                  contender.checkDuringTransfer(topology, traffic, MultipathBulk.IPERF_PORT);
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              },
              MultipathBulk.SIDE_TASKS);
      sleepUntil(t0 + (long) (blackholeAt * 1e9));
      a.blackhole(true);
      long blackholed = System.nanoTime();
      sleepUntil(t0 + (long) (restoreAt * 1e9));
      a.blackhole(false);
      long restored = System.nanoTime();
      Iperf3.Result result = iperf.await();
      check.join();
      SequencedProbe.Result probed = probe.stop(Duration.ofSeconds(3));
      sampler.interrupt();
      sampler.join();
      return analyse(
          contender.name(),
          traffic.probeOverMptcp() ? "MPTCP" : "UDP",
          result,
          probed,
          samples,
          blackholed,
          restored,
          survivingMbit,
          a.shape(Direction.UP).mbit());
    } finally {
      if (sampler != null) {
        sampler.interrupt();
      }
      if (iperf != null) {
        iperf.close();
      }
      probe.close();
    }
  }

  private static void sampleA(Uplink a, List<Sample> samples) {
    long next = System.nanoTime();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        ChannelStats s = a.stats(Direction.UP);
        synchronized (samples) {
          samples.add(new Sample(System.nanoTime(), s.forwardedBytes()));
        }
        next += SAMPLE_NANOS;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        System.err.println("path A counter: " + e);
        return;
      }
    }
  }

  static Row analyse(
      String system,
      String probeOver,
      Iperf3.Result result,
      SequencedProbe.Result probe,
      List<Sample> samples,
      long blackholed,
      long restored,
      double survivingMbit,
      double aMbit) {
    double bo = (blackholed - result.startNanos()) / 1e9;
    double ro = (restored - result.startNanos()) / 1e9;
    List<Iperf3.Interval> iv = result.intervals();
    double before =
        iv.stream()
            .filter(i -> i.start() >= 1.0 && i.end() <= bo)
            .mapToDouble(Iperf3.Interval::mbit)
            .average()
            .orElse(Double.NaN);
    int run = 0;
    int longest = 0;
    int total = 0;
    double to80 = Double.NaN;
    for (int k = 0; k < iv.size(); k++) {
      Iperf3.Interval i = iv.get(k);
      if (i.end() <= bo || i.start() >= ro) {
        continue;
      }
      if (i.mbit() < 0.1 * before) {
        total++;
        longest = Math.max(longest, ++run);
      } else {
        run = 0;
      }
      if (Double.isNaN(to80)
          && i.start() >= bo
          && k + 2 < iv.size()
          && iv.get(k + 2).end() <= ro
          && iv.subList(k, k + 3).stream().allMatch(x -> x.mbit() >= 0.8 * survivingMbit)) {
        to80 = i.start() - bo;
      }
    }
    long transferEnd =
        result.startNanos() + (iv.isEmpty() ? 0 : Math.round(iv.getLast().end() * 1e9));
    double aBack = backOnPath(samples, restored, transferEnd, aMbit);
    List<Double> perSecond = new ArrayList<>();
    for (int sec = 0; ; sec++) {
      double from = sec;
      double to = sec + 1;
      // intervals weighted by their length: the last one of a transfer is often short
      double seconds = 0;
      double megabits = 0;
      for (Iperf3.Interval i : iv) {
        double overlap = Math.min(to, i.end()) - Math.max(from, i.start());
        if (overlap > 0) {
          seconds += overlap;
          megabits += overlap * i.mbit();
        }
      }
      if (seconds == 0) {
        break;
      }
      perSecond.add(megabits / seconds);
    }
    return new Row(
        system,
        probe,
        probeOver,
        bo,
        ro,
        longest * INTERVAL,
        total * INTERVAL,
        to80,
        aBack,
        result.mbit(),
        perSecond,
        null);
  }

  /**
   * Seconds from {@code restored} until path A carries traffic again: the start of the first 300 ms
   * in which each 100 ms window (on a grid from the restore) carried 10% of the path's rate (25 kB
   * if it is unlimited), so a short burst of queued probe messages alone does not count. NaN if
   * that did not happen before {@code until} (the transfer's end: what a stalled probe connection
   * sends after it is not the bond returning to the path).
   */
  static double backOnPath(List<Sample> samples, long restored, long until, double aMbit) {
    double threshold = aMbit > 0 ? aMbit * 1e6 / 8 * 0.1 * 0.1 : 25_000;
    List<Long> grid = new ArrayList<>();
    synchronized (samples) {
      long last = Math.min(until, samples.isEmpty() ? restored : samples.getLast().nanos());
      for (long g = restored; g <= last; g += 100_000_000L) {
        long bytes = -1;
        for (Sample s : samples) {
          if (s.nanos() <= g) {
            bytes = s.bytes();
          }
        }
        grid.add(bytes);
      }
    }
    for (int m = 0; m + 3 < grid.size(); m++) {
      boolean carrying = grid.get(m) >= 0;
      for (int w = m; w < m + 3 && carrying; w++) {
        carrying = grid.get(w + 1) - grid.get(w) >= threshold;
      }
      if (carrying) {
        return m * 0.1;
      }
    }
    return Double.NaN;
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long wait;
    while ((wait = nanos - System.nanoTime()) > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }
}
