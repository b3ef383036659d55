package dev.braid.agent.openvpn.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Seeded random loss both ways: correctness asserted, timings printed (never asserted). */
class RandomLossTest {
  private static final long MS = 1_000_000L;
  private static final int RUNS = 40;
  private static final int MESSAGES = 30;

  @Test
  void everyMessageArrivesOnceInOrderUnderThirtyPercentLossBothWays() {
    long[] braid = completionTimes(ReliableConfig.braid());
    long[] upstream = completionTimes(ReliableConfig.upstream26());
    System.out.printf(
        "30%% loss both ways, %d msgs each way, RTT 40 ms, %d seeds: braid median %d ms p90 %d ms |"
            + " upstream 2.6 median %d ms p90 %d ms%n",
        MESSAGES, RUNS, pct(braid, 50), pct(braid, 90), pct(upstream, 50), pct(upstream, 90));
  }

  /**
   * The case the gateway meets: a stock 2.6 peer on the other side. Prints the server-side
   * redundancy's effect (ACK copies, message copies after loss) against the same seeds.
   */
  @Test
  void stockPeerUnderThirtyPercentLossWithAndWithoutRedundancy() {
    ReliableConfig stock = ReliableConfig.upstream26();
    long[] on = completionTimes(ReliableConfig.braid(), stock);
    long[] off = completionTimes(ReliableConfig.braid().withoutRedundancy(), stock);
    long[] upstream = completionTimes(stock, stock);
    System.out.printf(
        "30%% loss both ways, stock 2.6 peer, %d seeds: braid median %d ms p90 %d ms | braid"
            + " without redundancy median %d ms p90 %d ms | upstream 2.6 server median %d ms p90"
            + " %d ms%n",
        RUNS,
        pct(on, 50),
        pct(on, 90),
        pct(off, 50),
        pct(off, 90),
        pct(upstream, 50),
        pct(upstream, 90));
  }

  private static long[] completionTimes(ReliableConfig config) {
    return completionTimes(config, config);
  }

  private static long[] completionTimes(ReliableConfig config, ReliableConfig peer) {
    long[] times = new long[RUNS];
    for (int seed = 0; seed < RUNS; seed++) {
      Random random = new Random(seed);
      SimulatedLink link =
          new SimulatedLink(config, peer, 20 * MS, (dir, nth, s) -> random.nextInt(100) < 30);
      for (int i = 0; i < MESSAGES; i++) {
        link.server.send(4, ("s" + i).getBytes(StandardCharsets.US_ASCII));
        link.client.send(4, ("c" + i).getBytes(StandardCharsets.US_ASCII));
      }
      times[seed] = link.runUntilQuiet(3_600_000 * MS) / MS;
      assertThat(strings(link.deliveredToClient)).isEqualTo(expected("s"));
      assertThat(strings(link.deliveredToServer)).isEqualTo(expected("c"));
    }
    return times;
  }

  private static List<String> strings(List<byte[]> bytes) {
    return bytes.stream().map(b -> new String(b, StandardCharsets.US_ASCII)).toList();
  }

  private static List<String> expected(String prefix) {
    return IntStream.range(0, MESSAGES).mapToObj(i -> prefix + i).toList();
  }

  private static long pct(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
  }
}
