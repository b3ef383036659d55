package dev.braid.agent.openvpn.reliable;

import static dev.braid.agent.openvpn.reliable.RandomLossRuns.percentile;

/**
 * How long the reliable layer takes to deliver {@link RandomLossRuns#MESSAGES} messages each way
 * over a simulated 40 ms RTT link with 30% loss both ways, Braid beside OpenVPN 2.6 on the same
 * seeds, in simulated time (so the figures do not depend on the machine):
 *
 * <pre>
 * java -cp agent/target/test-classes:agent/target/classes \
 *   dev.braid.agent.openvpn.reliable.RandomLossBenchmark [runs]
 * </pre>
 */
public final class RandomLossBenchmark {
  private RandomLossBenchmark() {}

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    ReliableConfig braid = ReliableConfig.braid();
    ReliableConfig stock = ReliableConfig.upstream26();
    System.out.printf(
        "30%% loss both ways, %d msgs each way, RTT 40 ms, %d seeds (simulated ms)%n",
        RandomLossRuns.MESSAGES, runs);
    System.out.printf("%-44s %8s %8s%n", "server | client", "median", "p90");
    row("braid | braid", RandomLossRuns.completionTimes(braid, braid, runs));
    row("upstream 2.6 | upstream 2.6", RandomLossRuns.completionTimes(stock, stock, runs));
    row("braid | stock 2.6", RandomLossRuns.completionTimes(braid, stock, runs));
    row(
        "braid without redundancy | stock 2.6",
        RandomLossRuns.completionTimes(braid.withoutRedundancy(), stock, runs));
  }

  private static void row(String name, long[] times) {
    System.out.printf("%-44s %8d %8d%n", name, percentile(times, 50), percentile(times, 90));
  }
}
