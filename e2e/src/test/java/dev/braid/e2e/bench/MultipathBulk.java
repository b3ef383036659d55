package dev.braid.e2e.bench;

import dev.braid.e2e.harness.Iperf3;
import dev.braid.e2e.harness.MultipathTopology;
import dev.braid.e2e.harness.Nstat;
import dev.braid.e2e.harness.Ping;
import dev.braid.e2e.harness.Uplink;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The goodput rows of the {@link Multipath} benchmark: per contender, idle pings, then one iperf3
 * TCP transfer per flow count with pings and the contender's own check running alongside, and the
 * kernel's reordering counters around it.
 */
final class MultipathBulk {
  static final int IPERF_PORT = 5201;
  private static final Duration PING_INTERVAL = Duration.ofMillis(20);
  private static final int IDLE_PINGS = 100;

  /** Platform threads for the blocking side tasks (the common pool has one thread on 2 cores). */
  static final ExecutorService SIDE_TASKS =
      Executors.newCachedThreadPool(Thread.ofPlatform().daemon().factory());

  /**
   * One row. {@code failure} is null when the row ran as asked; otherwise it says why and the
   * figures are NaN / -1.
   *
   * @param retransmits TcpRetransSegs at the sender: every TCP segment sent again (MPTCP: over all
   *     subflows), the iperf3 transfer's and the pings' namespace-wide
   * @param tcpOfo TcpExtTCPOFOQueue at the receiver: TCP segments queued out of order
   * @param mptcpOfo MPTcpExtOFOQueue at the receiver: MPTCP data queued out of order across
   *     subflows
   * @param sackReorder TcpExtTCPSACKReorder at the sender: reordering the sender detected from
   *     SACKs
   * @param delayLineDrops packets the delay boxes lost during the run (should be 0)
   */
  record Row(
      String scenario,
      String system,
      int flows,
      double mbit,
      long retransmits,
      double idleP50,
      double idleP99,
      double loadedP50,
      double loadedP99,
      long tcpOfo,
      long mptcpOfo,
      long sackReorder,
      long delayLineDrops,
      String failure) {

    static Row failed(String scenario, String system, int flows, String why) {
      return new Row(
          scenario,
          system,
          flows,
          Double.NaN,
          -1,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          -1,
          -1,
          -1,
          -1,
          why);
    }

    String csv(double sumOfSingles) {
      return String.join(
          ",",
          scenario,
          system,
          String.valueOf(flows),
          fmt(mbit),
          fmt(100 * mbit / sumOfSingles),
          String.valueOf(retransmits),
          fmt(idleP50),
          fmt(idleP99),
          fmt(loadedP50),
          fmt(loadedP99),
          String.valueOf(tcpOfo),
          String.valueOf(mptcpOfo),
          String.valueOf(sackReorder),
          String.valueOf(delayLineDrops),
          failure == null ? "ok" : "\"FAILED: " + failure.replace('"', '\'') + "\"");
    }

    String markdown(double sumOfSingles) {
      if (failure != null) {
        return String.format(
            Locale.ROOT,
            "| %s | %s | %d | FAILED: %s |",
            scenario,
            system,
            flows,
            oneLine(failure));
      }
      return String.format(
          Locale.ROOT,
          "| %s | %s | %d | %.1f | %s | %d | %.1f / %.1f | %.1f / %.1f | %d | %d | %d |",
          scenario,
          system,
          flows,
          mbit,
          Double.isNaN(sumOfSingles)
              ? "-"
              : String.format(Locale.ROOT, "%.0f%%", 100 * mbit / sumOfSingles),
          retransmits,
          idleP50,
          idleP99,
          loadedP50,
          loadedP99,
          tcpOfo,
          mptcpOfo,
          sackReorder);
    }

    static final String CSV_HEADER =
        "scenario,system,flows,goodput_mbit,pct_of_single_sum,retransmits,ping_idle_p50_ms,"
            + "ping_idle_p99_ms,ping_loaded_p50_ms,ping_loaded_p99_ms,tcp_ofo_queue,mptcp_ofo_queue,"
            + "sack_reorder,delay_line_drops,status";

    static final String MARKDOWN_HEADER =
        "| scenario | system | flows | goodput Mbit/s | % of A+B | retr | ping idle p50/p99 ms |"
            + " ping loaded p50/p99 ms | TCP OFO | MPTCP OFO | SACK reorder |\n"
            + "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|";
  }

  private MultipathBulk() {}

  /** Every flow count's row for one contender in one (already applied) scenario. */
  static List<Row> run(
      MultipathTopology topology,
      MultipathScenario scenario,
      Contender contender,
      List<Integer> flowCounts,
      int seconds,
      String cc) {
    List<Row> rows = new ArrayList<>();
    Traffic traffic;
    try {
      traffic = contender.setUp(topology);
    } catch (Exception e) {
      for (int flows : flowCounts) {
        rows.add(Row.failed(scenario.name(), contender.name(), flows, "set-up: " + e));
      }
      return rows;
    }
    try {
      Ping.Result idle = pings(traffic, IDLE_PINGS);
      for (int flows : flowCounts) {
        try {
          rows.add(transfer(topology, scenario, contender, traffic, flows, seconds, cc, idle));
        } catch (Exception e) {
          rows.add(Row.failed(scenario.name(), contender.name(), flows, causeOf(e)));
        }
      }
    } catch (Exception e) {
      for (int flows : flowCounts.subList(rows.size(), flowCounts.size())) {
        rows.add(Row.failed(scenario.name(), contender.name(), flows, "idle ping: " + e));
      }
    } finally {
      try {
        contender.tearDown(topology);
      } catch (Exception e) {
        System.err.println(contender.name() + " tear-down failed: " + e);
      }
    }
    return rows;
  }

  private static Row transfer(
      MultipathTopology topology,
      MultipathScenario scenario,
      Contender contender,
      Traffic traffic,
      int flows,
      int seconds,
      String cc,
      Ping.Result idle)
      throws Exception {
    long dropsBefore = delayLineDrops(topology);
    Map<String, Long> rxBefore = Nstat.snapshot(traffic.server());
    Map<String, Long> txBefore = Nstat.snapshot(traffic.client());
    Iperf3 iperf =
        Iperf3.start(
            traffic.server(),
            traffic.client(),
            traffic.serverAddress(),
            IPERF_PORT,
            traffic.wrapper(),
            traffic.clientOptions(),
            seconds,
            flows,
            cc,
            1.0);
    try {
      // pings from 2 s in (past slow start) to 1 s before the end
      int loadedCount = (int) Math.max(10, (seconds - 3) * 1000 / PING_INTERVAL.toMillis());
      CompletableFuture<Ping.Result> loaded =
          CompletableFuture.supplyAsync(
              () -> {
                sleep(2000);
                return pings(traffic, loadedCount);
              },
              SIDE_TASKS);
      CompletableFuture<Void> check =
          CompletableFuture.runAsync(
              () -> {
                sleep(Math.max(2000, seconds * 1000L / 3));
                try {
                  contender.checkDuringTransfer(topology, traffic, IPERF_PORT);
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              },
              SIDE_TASKS);
      Iperf3.Result result = iperf.await();
      check.join();
      Ping.Result underLoad = loaded.join();
      Map<String, Long> rxAfter = Nstat.snapshot(traffic.server());
      Map<String, Long> txAfter = Nstat.snapshot(traffic.client());
      List<Double> idleSorted = idle.rttMillis().stream().sorted().toList();
      List<Double> loadedSorted = underLoad.rttMillis().stream().sorted().toList();
      return new Row(
          scenario.name(),
          contender.name(),
          flows,
          result.mbit(),
          Nstat.delta(txBefore, txAfter, "TcpRetransSegs"),
          Percentiles.of(idleSorted, 50),
          Percentiles.of(idleSorted, 99),
          Percentiles.of(loadedSorted, 50),
          Percentiles.of(loadedSorted, 99),
          Nstat.delta(rxBefore, rxAfter, "TcpExtTCPOFOQueue"),
          Nstat.delta(rxBefore, rxAfter, "MPTcpExtOFOQueue"),
          Nstat.delta(txBefore, txAfter, "TcpExtTCPSACKReorder"),
          delayLineDrops(topology) - dropsBefore,
          null);
    } finally {
      iperf.close();
    }
  }

  /**
   * Pings {@code count} times from every ping source of {@code traffic} at once, replies merged.
   */
  static Ping.Result pings(Traffic traffic, int count) {
    List<String> sources = traffic.pingSources().isEmpty() ? List.of("") : traffic.pingSources();
    List<CompletableFuture<Ping.Result>> runs = new ArrayList<>();
    for (String source : sources) {
      runs.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return Ping.run(
                      traffic.client(),
                      source.isEmpty() ? null : source,
                      traffic.serverAddress(),
                      count,
                      PING_INTERVAL);
                } catch (IOException e) {
                  throw new CompletionException(e);
                }
              },
              SIDE_TASKS));
    }
    int sent = 0;
    List<Double> rtts = new ArrayList<>();
    for (CompletableFuture<Ping.Result> run : runs) {
      Ping.Result r = run.join();
      sent += r.sent();
      rtts.addAll(r.rttMillis());
    }
    return new Ping.Result(sent, rtts);
  }

  static long delayLineDrops(MultipathTopology topology) throws IOException {
    long drops = 0;
    for (Uplink u : topology.uplinks()) {
      drops += u.delayLineDrops();
    }
    return drops;
  }

  static String causeOf(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e.toString();
  }

  static String oneLine(String s) {
    String flat = s.replace('\n', ' ').replace('|', '/');
    return flat.length() > 400 ? flat.substring(0, 400) + "..." : flat;
  }

  static String fmt(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2f", v);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    }
  }
}
