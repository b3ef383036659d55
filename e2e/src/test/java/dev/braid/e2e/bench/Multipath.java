package dev.braid.e2e.bench;

import dev.braid.agent.testing.Prerequisites;
import dev.braid.e2e.harness.MultipathTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Multipath bonding on two routed paths ({@link MultipathTopology}: site and hub namespaces, a
 * router namespace per path with tbf, a user-space delay line and nft loss), one row per (scenario,
 * system, flows), all from the same run.
 *
 * <p>Systems ({@code systems=}): {@code A} and {@code B} (each path alone: plain TCP/UDP bound to
 * that uplink's address), {@code mptcp} (kernel MPTCP: one subflow endpoint per uplink, iperf3
 * under {@code mptcpize run}; every transfer must spread its data over both uplinks, checked with
 * {@code ss -ti}, or the row fails). Braid rows are added as further {@link Contender}s in {@link
 * #contender}.
 *
 * <p>Scenarios ({@code scenarios=}): {@code equal} (both paths {@code mbit} Mbit/s, {@code delay}
 * ms one way), {@code rate} (B at {@code slowMbit}), {@code rtt} (B at {@code longDelay} ms),
 * {@code loss} (B drops {@code loss}% each way at random), {@code failover} (equal paths; A
 * blackholed at {@code blackholeAt} s, restored at {@code restoreAt} s of a {@code failoverSeconds}
 * transfer with a {@code probeRate}/s sequenced probe alongside).
 *
 * <p>Figures: receiver goodput (iperf3, {@code flows=} parallel streams, congestion control {@code
 * cc=}), as % of path A + path B alone in the same scenario; ping p50/p99 idle and during the
 * transfer (every 20 ms, from each uplink the system uses); the kernel's reordering counters around
 * the transfer (TcpExtTCPOFOQueue and MPTcpExtOFOQueue at the receiver, TcpExtTCPSACKReorder at the
 * sender). Prints markdown tables, then CSV of the same rows. Exits 1 if a row failed.
 *
 * <p>{@code queue=} sets the tbf queue (ms); {@code flowSteering=off} leaves the links' receive
 * processing on the sending CPU, which reorders packets within a flow now and then (see {@link
 * MultipathTopology#create(int, Duration, boolean)}).
 */
public final class Multipath {
  private Multipath() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts =
        BenchArgs.parse(
            args,
            Map.ofEntries(
                Map.entry("scenarios", "equal,rate,rtt,loss,failover"),
                Map.entry("systems", "A,B,mptcp"),
                Map.entry("seconds", "10"),
                Map.entry("flows", "1,4"),
                Map.entry("cc", "cubic"),
                Map.entry("mbit", "20"),
                Map.entry("slowMbit", "5"),
                Map.entry("delay", "10"),
                Map.entry("longDelay", "50"),
                Map.entry("loss", "1"),
                Map.entry("queue", "100"),
                Map.entry("failoverSeconds", "15"),
                Map.entry("blackholeAt", "5"),
                Map.entry("restoreAt", "10"),
                Map.entry("probeRate", "1000"),
                Map.entry("flowSteering", "on")));
    Prerequisites.require("ip", "tc", "nft", "iperf3", "ping", "ss", "nstat", "mptcpize");
    int seconds = Integer.parseInt(opts.get("seconds"));
    List<Integer> flows =
        Arrays.stream(opts.get("flows").split(",")).map(Integer::valueOf).toList();
    String cc = opts.get("cc").equals("default") ? null : opts.get("cc");
    List<Contender> contenders =
        Arrays.stream(opts.get("systems").split(",")).map(Multipath::contender).toList();
    List<MultipathScenario> scenarios =
        Arrays.stream(opts.get("scenarios").split(","))
            .map(name -> MultipathScenario.of(name, opts))
            .toList();
    String loadBefore = loadAverage();
    List<MultipathBulk.Row> bulk = new ArrayList<>();
    List<MultipathFailover.Row> failover = new ArrayList<>();
    MultipathScenario failoverScenario = null;
    try (MultipathTopology topology =
        MultipathTopology.create(
            2,
            Duration.ofMillis(Long.parseLong(opts.get("queue"))),
            onOff(opts.get("flowSteering")))) {
      for (MultipathScenario scenario : scenarios) {
        System.err.println("scenario " + scenario);
        for (Contender c : contenders) {
          scenario.apply(topology);
          System.err.println("  " + c.name());
          if (scenario.name().equals("failover")) {
            failoverScenario = scenario;
            failover.add(
                MultipathFailover.run(
                    topology,
                    c,
                    Integer.parseInt(opts.get("failoverSeconds")),
                    Double.parseDouble(opts.get("blackholeAt")),
                    Double.parseDouble(opts.get("restoreAt")),
                    Integer.parseInt(opts.get("probeRate")),
                    cc,
                    scenario.totalMbit() - scenario.shapes().getFirst().mbit()));
          } else {
            bulk.addAll(MultipathBulk.run(topology, scenario, c, flows, seconds, cc));
          }
        }
      }
      topology.requireDelayBox();
    }
    print(opts, scenarios, bulk, failover, failoverScenario, loadBefore);
    boolean anyFailed =
        bulk.stream().anyMatch(r -> r.failure() != null)
            || failover.stream().anyMatch(r -> r.failure() != null);
    System.exit(anyFailed ? 1 : 0);
  }

  /**
   * The contender a {@code systems=} name stands for. Braid rows: add a case per scheduler here,
   * e.g. {@code case "braid-weighted" -> new BraidContender("weighted");}.
   */
  static Contender contender(String name) {
    return switch (name) {
      case "A" -> new SinglePathContender(0);
      case "B" -> new SinglePathContender(1);
      case "mptcp" -> new KernelMptcpContender();
      default ->
          throw new IllegalArgumentException("unknown system " + name + "; known: A, B, mptcp");
    };
  }

  private static void print(
      Map<String, String> opts,
      List<MultipathScenario> scenarios,
      List<MultipathBulk.Row> bulk,
      List<MultipathFailover.Row> failover,
      MultipathScenario failoverScenario,
      String loadBefore)
      throws IOException {
    System.out.println(
        "# Multipath, "
            + LocalDate.now()
            + ", kernel "
            + System.getProperty("os.version")
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " CPUs, load average before "
            + loadBefore
            + ", after "
            + loadAverage());
    System.out.println(
        "# "
            + opts.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .sorted()
                .collect(Collectors.joining(" ")));
    for (MultipathScenario s : scenarios) {
      System.out.println("# " + s);
    }
    if (!bulk.isEmpty()) {
      System.out.println();
      System.out.println(MultipathBulk.Row.MARKDOWN_HEADER);
      bulk.forEach(r -> System.out.println(r.markdown(sumOfSingles(bulk, r))));
    }
    if (!failover.isEmpty()) {
      double bo = Double.parseDouble(opts.get("blackholeAt"));
      double ro = Double.parseDouble(opts.get("restoreAt"));
      System.out.println();
      System.out.println(
          "Failover ("
              + failoverScenario
              + "): path A blackholed at "
              + bo
              + " s, restored at "
              + ro
              + " s (measured offsets in the CSV)");
      System.out.println();
      System.out.println(MultipathFailover.Row.MARKDOWN_HEADER);
      failover.forEach(r -> System.out.println(r.markdown()));
      int secs = failover.stream().mapToInt(r -> r.perSecond().size()).max().orElse(0);
      System.out.println();
      System.out.println(
          "| goodput Mbit/s per second | "
              + IntStream.range(0, secs)
                  .mapToObj(
                      s ->
                          s
                              + (s == (int) Math.floor(bo)
                                  ? " blackhole"
                                  : s == (int) Math.floor(ro) ? " restore" : ""))
                  .collect(Collectors.joining(" | "))
              + " |");
      System.out.println("|---|" + "--:|".repeat(secs));
      for (MultipathFailover.Row r : failover) {
        System.out.println(
            "| "
                + r.system()
                + " | "
                + IntStream.range(0, secs)
                    .mapToObj(
                        s ->
                            s < r.perSecond().size()
                                ? String.format("%.1f", r.perSecond().get(s))
                                : "")
                    .collect(Collectors.joining(" | "))
                + " |");
      }
    }
    System.out.println();
    if (!bulk.isEmpty()) {
      System.out.println("# CSV goodput");
      System.out.println(MultipathBulk.Row.CSV_HEADER);
      bulk.forEach(r -> System.out.println(r.csv(sumOfSingles(bulk, r))));
    }
    if (!failover.isEmpty()) {
      System.out.println("# CSV failover");
      System.out.println(MultipathFailover.Row.CSV_HEADER);
      failover.forEach(r -> System.out.println(r.csv()));
    }
  }

  /** Path A's plus path B's goodput in the row's scenario at its flow count; NaN without both. */
  private static double sumOfSingles(List<MultipathBulk.Row> rows, MultipathBulk.Row row) {
    double sum = 0;
    for (String single : List.of("path A", "path B")) {
      MultipathBulk.Row match =
          rows.stream()
              .filter(
                  r ->
                      r.system().equals(single)
                          && r.scenario().equals(row.scenario())
                          && r.flows() == row.flows()
                          && r.failure() == null)
              .findFirst()
              .orElse(null);
      if (match == null) {
        return Double.NaN;
      }
      sum += match.mbit();
    }
    return sum;
  }

  private static boolean onOff(String value) {
    return switch (value) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException("expected on or off, got " + value);
    };
  }

  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
  }
}
