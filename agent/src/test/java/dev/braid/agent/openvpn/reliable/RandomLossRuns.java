package dev.braid.agent.openvpn.reliable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Seeded runs of two reliable endpoints over a simulated 40 ms RTT link losing 30% of segments both
 * ways: each run sends {@link #MESSAGES} messages each way and checks that every one arrives once
 * and in order. Shared by {@link RandomLossTest} (the checks) and {@link RandomLossBenchmark} (the
 * completion times).
 */
final class RandomLossRuns {
  static final long MS = 1_000_000L;
  static final int MESSAGES = 30;

  private RandomLossRuns() {}

  /**
   * Completion times in simulated milliseconds of {@code runs} seeds, {@code config} on the server
   * side and {@code peer} on the client side.
   *
   * @throws AssertionError if a run delivered anything but every message once, in order
   */
  static long[] completionTimes(ReliableConfig config, ReliableConfig peer, int runs) {
    long[] times = new long[runs];
    for (int seed = 0; seed < runs; seed++) {
      Random random = new Random(seed);
      SimulatedLink link =
          new SimulatedLink(config, peer, 20 * MS, (dir, nth, s) -> random.nextInt(100) < 30);
      for (int i = 0; i < MESSAGES; i++) {
        link.server.send(4, ("s" + i).getBytes(StandardCharsets.US_ASCII));
        link.client.send(4, ("c" + i).getBytes(StandardCharsets.US_ASCII));
      }
      times[seed] = link.runUntilQuiet(3_600_000 * MS) / MS;
      check(seed, "client", link.deliveredToClient, "s");
      check(seed, "server", link.deliveredToServer, "c");
    }
    return times;
  }

  private static void check(int seed, String side, List<byte[]> delivered, String prefix) {
    List<String> got =
        delivered.stream().map(b -> new String(b, StandardCharsets.US_ASCII)).toList();
    List<String> want = IntStream.range(0, MESSAGES).mapToObj(i -> prefix + i).toList();
    if (!got.equals(want)) {
      throw new AssertionError("seed " + seed + ": the " + side + " got " + got + ", not " + want);
    }
  }

  /** The {@code p}-th percentile of {@code values}. */
  static long percentile(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
  }
}
