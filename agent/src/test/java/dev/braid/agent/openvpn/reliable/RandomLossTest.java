package dev.braid.agent.openvpn.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Seeded random loss both ways: every message arrives once and in order, whoever is on either side.
 * The completion times are figures for {@link RandomLossBenchmark}, never asserted here.
 */
class RandomLossTest {
  private static final int RUNS = 40;

  @Test
  void everyMessageArrivesOnceInOrderUnderThirtyPercentLossBothWays() {
    for (ReliableConfig config :
        new ReliableConfig[] {ReliableConfig.braid(), ReliableConfig.upstream26()}) {
      assertThat(RandomLossRuns.completionTimes(config, config, RUNS)).hasSize(RUNS);
    }
  }

  /**
   * The case the gateway meets: a stock 2.6 peer on the other side, with and without redundancy.
   */
  @Test
  void stockPeerUnderThirtyPercentLossWithAndWithoutRedundancy() {
    ReliableConfig stock = ReliableConfig.upstream26();
    for (ReliableConfig server :
        new ReliableConfig[] {
          ReliableConfig.braid(), ReliableConfig.braid().withoutRedundancy(), stock
        }) {
      assertThat(RandomLossRuns.completionTimes(server, stock, RUNS)).hasSize(RUNS);
    }
  }
}
