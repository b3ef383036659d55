package dev.braid.agent.multipath;

import static dev.braid.agent.multipath.Sim.MS;
import static dev.braid.agent.multipath.Sim.S;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.multipath.SimBond.SimPath;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Two {@link MultipathLink}s (a site and a hub) joined by simulated paths in a deterministic
 * discrete-event simulation: functional figures of failover, scheduling and reordering, measured in
 * simulated time (nothing here depends on the speed of the machine). Each test prints the figures
 * it asserts on, both sides of each comparison.
 */
class MultipathSimulationTest {
  private static final MultipathConfig DEFAULTS = MultipathConfig.defaults();

  /** Other random draws (loss, jitter): {@code -Dmultipath.seed=N}. */
  private static long seed(long base) {
    return base + Long.getLong("multipath.seed", 0);
  }

  private static MultipathConfig with(SchedulerKind scheduler) {
    return DEFAULTS.toBuilder().scheduler(scheduler).build();
  }

  /** Runs the simulation in steps until {@code condition} holds; the time it first held, or -1. */
  private static long firstTime(SimBond b, long until, Predicate<SimBond> condition) {
    while (b.sim.now() < until) {
      b.runUntil(b.sim.now() + MS);
      if (condition.test(b)) {
        return b.sim.now();
      }
    }
    return -1;
  }

  private static PathSnapshot sitePath(SimBond b, SimPath p) {
    return b.site.snapshot().path(p.siteId);
  }

  private static PathSnapshot hubPath(SimBond b, SimPath p) {
    return b.hub.snapshot().path(p.hubId);
  }

  private static double share(SimBond b, SimPath p) {
    LinkSnapshot s = b.site.snapshot();
    return (double) s.path(p.siteId).dataPackets() / s.scheduler().packets();
  }

  @Test
  void blackholedPathIsDownWithin500msCarriesNothingAndIsUsedAgainWithin2sOfRestore() {
    SimBond b = new SimBond(seed(1), DEFAULTS);
    SimPath a = b.path(10, 10, 0);
    b.path(10, 10, 0);
    b.siteSource(8, 0, 15 * S);
    b.runUntil(5 * S);
    assertThat(sitePath(b, a).state()).isEqualTo(PathState.UP);
    assertThat(share(b, a)).as("both paths carry traffic before").isBetween(0.4, 0.6);

    a.blackhole(true); // link stays up, every packet dropped, both directions
    long siteDown = -1;
    long hubDown = -1;
    long dataAtDown = -1;
    while (b.sim.now() < 7 * S && (siteDown < 0 || hubDown < 0)) {
      b.runUntil(b.sim.now() + MS);
      if (siteDown < 0 && sitePath(b, a).state() == PathState.DOWN) {
        siteDown = b.sim.now();
        dataAtDown = sitePath(b, a).dataPackets();
      }
      if (hubDown < 0 && hubPath(b, a).state() == PathState.DOWN) {
        hubDown = b.sim.now();
      }
    }
    b.runUntil(10 * S);
    long dataBeforeRestore = sitePath(b, a).dataPackets();
    LinkSnapshot duringOutage = b.site.snapshot();

    a.blackhole(false);
    long siteUp = firstTime(b, 13 * S, x -> sitePath(x, a).state() == PathState.UP);
    long used = firstTime(b, 13 * S, x -> sitePath(x, a).dataPackets() > dataBeforeRestore);
    long hubUp = firstTime(b, 13 * S, x -> hubPath(x, a).state() == PathState.UP);
    b.runUntil(15 * S);

    System.out.printf(
        "blackhole: site down after %d ms, hub down by %d ms (limit 500); data on the path after"
            + " down %d packets; failovers %d; largest delivery gap %.1f ms; loss 4-15 s %.2f%%;"
            + " restored: site up after %d ms, used after %d ms, hub up after %d ms (limit 2000)%n",
        (siteDown - 5 * S) / MS,
        (hubDown - 5 * S) / MS,
        dataBeforeRestore - dataAtDown,
        duringOutage.scheduler().failovers(),
        b.hubLargestGapMs(4 * S, 15 * S),
        100 * b.hubLoss(4 * S, 14 * S),
        (siteUp - 10 * S) / MS,
        (used - 10 * S) / MS,
        (hubUp - 10 * S) / MS);
    assertThat(siteDown - 5 * S).isPositive().isLessThanOrEqualTo(500 * MS);
    assertThat(hubDown - 5 * S)
        .as("the hub detects it too")
        .isPositive()
        .isLessThanOrEqualTo(500 * MS);
    assertThat(dataBeforeRestore).as("nothing scheduled on a down path").isEqualTo(dataAtDown);
    assertThat(duringOutage.scheduler().failovers()).isEqualTo(1);
    assertThat(siteUp - 10 * S).isPositive().isLessThanOrEqualTo(2 * S);
    assertThat(used - 10 * S).isPositive().isLessThanOrEqualTo(2 * S);
    assertThat(hubUp - 10 * S).isPositive().isLessThanOrEqualTo(2 * S);
    assertThat(b.hubLargestGapMs(4 * S, 15 * S))
        .as("the other path kept delivering")
        .isLessThan(100);
    assertThat(sitePath(b, a).downs()).isEqualTo(1);
  }

  @Test
  void weightedSplitsEvenlyOverEqualPathsAtLightAndHeavyLoad() {
    for (double mbit : new double[] {4, 16}) {
      SimBond b = new SimBond(seed(2), DEFAULTS);
      SimPath a = b.path(10, 10, 0);
      SimPath c = b.path(10, 10, 0);
      b.siteSource(mbit, 0, 11 * S);
      b.runUntil(12 * S);
      System.out.printf(
          "equal paths at %.0f Mbit/s: shares %.3f / %.3f, goodput %.2f Mbit/s, loss %.3f%%%n",
          mbit,
          share(b, a),
          share(b, c),
          b.hubGoodputMbit(2 * S, 10 * S),
          100 * b.hubLoss(2 * S, 10 * S));
      assertThat(share(b, a)).isBetween(0.45, 0.55);
      assertThat(share(b, c)).isBetween(0.45, 0.55);
      assertThat(b.hubLoss(2 * S, 10 * S)).isZero();
    }
  }

  /** Offered more than both paths carry: the bond delivers near their sum, far above the best. */
  @Test
  void weightedOnFourToOnePathsDeliversNearTheSumAndAboveTheBetterPathAlone() {
    SimBond bond = new SimBond(seed(3), DEFAULTS);
    SimPath fast = bond.path(20, 10, 0);
    SimPath slow = bond.path(5, 10, 0);
    bond.siteSource(30, 0, 11 * S);
    bond.runUntil(12 * S);
    SimBond alone = new SimBond(seed(3), DEFAULTS);
    alone.path(20, 10, 0);
    alone.siteSource(30, 0, 11 * S);
    alone.runUntil(12 * S);
    double bonded = bond.hubGoodputMbit(3 * S, 11 * S);
    double better = alone.hubGoodputMbit(3 * S, 11 * S);
    System.out.printf(
        "4:1 (20 + 5 Mbit/s, 30 offered): bond %.2f Mbit/s = %.1f%% of the sum; better path alone"
            + " %.2f; shares %.3f / %.3f%n",
        bonded, 100 * bonded / 25, better, share(bond, fast), share(bond, slow));
    assertThat(bonded).isGreaterThanOrEqualTo(0.9 * 25);
    assertThat(bonded).isGreaterThan(better);
    assertThat(share(bond, fast)).isBetween(0.7, 0.85);
  }

  @Test
  void aPathWithTwentyPercentLossDoesNotDragTheBondBelowTheBestPath() {
    for (double mbit : new double[] {8, 15}) {
      SimBond bond = new SimBond(seed(4), DEFAULTS);
      SimPath clean = bond.path(10, 10, 0);
      SimPath lossy = bond.path(10, 10, 0.2);
      bond.siteSource(mbit, 0, 11 * S);
      bond.runUntil(12 * S);
      SimBond alone = new SimBond(seed(4), DEFAULTS);
      alone.path(10, 10, 0);
      alone.siteSource(mbit, 0, 11 * S);
      alone.runUntil(12 * S);
      double bonded = bond.hubGoodputMbit(3 * S, 11 * S);
      double best = alone.hubGoodputMbit(3 * S, 11 * S);
      System.out.printf(
          "20%% loss on one path, %.0f Mbit/s offered: bond %.2f Mbit/s (loss %.2f%%), clean path"
              + " alone %.2f (loss %.2f%%); lossy path %s at %.1f%% measured loss, share %.4f%n",
          mbit,
          bonded,
          100 * bond.hubLoss(3 * S, 11 * S),
          best,
          100 * alone.hubLoss(3 * S, 11 * S),
          sitePath(bond, lossy).state(),
          100 * sitePath(bond, lossy).loss(),
          share(bond, lossy));
      assertThat(bonded).isGreaterThanOrEqualTo(0.99 * best);
      assertThat(sitePath(bond, lossy).state()).isEqualTo(PathState.DEGRADED);
      assertThat(sitePath(bond, lossy).cause()).isEqualTo(StateCause.LOSSY);
      assertThat(sitePath(bond, clean).state())
          .as("%s", sitePath(bond, clean))
          .isEqualTo(PathState.UP);
      assertThat(sitePath(bond, clean).downs()).as("saturated is not dead").isZero();
      if (mbit < 10) {
        assertThat(bond.hubLoss(3 * S, 11 * S)).as("below the clean path's rate").isLessThan(0.002);
      }
    }
  }

  @Test
  void aPathWithTenTimesTheDelayDoesNotDragTheBondBelowTheBestPath() {
    // Light load: the fast path alone is enough, so the slow one carries nothing and adds no delay.
    SimBond light = bondWithSlowPath(5, 4);
    SimBond lightAlone = fastPathAlone(5, 4);
    double p99 = light.hubLatencyMs(0.99, 3 * S, 11 * S);
    double p99Alone = lightAlone.hubLatencyMs(0.99, 3 * S, 11 * S);
    // Heavy load: the slow path adds capacity without loss.
    SimBond heavy = bondWithSlowPath(5, 16);
    SimBond heavyAlone = fastPathAlone(5, 16);
    double bonded = heavy.hubGoodputMbit(3 * S, 11 * S);
    double best = heavyAlone.hubGoodputMbit(3 * S, 11 * S);
    System.out.printf(
        "10 ms + 100 ms paths: at 4 Mbit/s p99 latency %.1f ms (fast path alone %.1f), slow share"
            + " %.4f; at 16 Mbit/s goodput %.2f (fast path alone %.2f), p99 %.1f ms, out of order"
            + " %d%n",
        p99,
        p99Alone,
        share(light, light.paths.get(1)),
        bonded,
        best,
        heavy.hubLatencyMs(0.99, 3 * S, 11 * S),
        heavy.hubOutOfOrder());
    assertThat(p99).isLessThanOrEqualTo(p99Alone + 1);
    assertThat(share(light, light.paths.get(1))).isLessThan(0.01);
    assertThat(bonded).isGreaterThan(best).isGreaterThanOrEqualTo(0.99 * 16);
    assertThat(heavy.hubOutOfOrder()).isZero();
  }

  private static SimBond bondWithSlowPath(long seed, double mbit) {
    SimBond b = new SimBond(seed(seed), DEFAULTS);
    b.path(10, 10, 0);
    b.path(10, 100, 0);
    b.siteSource(mbit, 0, 11 * S);
    b.runUntil(12 * S);
    return b;
  }

  private static SimBond fastPathAlone(long seed, double mbit) {
    SimBond b = new SimBond(seed(seed), DEFAULTS);
    b.path(10, 10, 0);
    b.siteSource(mbit, 0, 11 * S);
    b.runUntil(12 * S);
    return b;
  }

  @Test
  void redundantDeliversNinetyFivePercentOverTwoPathsWithTwentyPercentLossEach() {
    SimBond b = new SimBond(seed(6), with(SchedulerKind.REDUNDANT));
    b.path(10, 10, 0.2);
    b.path(10, 10, 0.2);
    b.siteSource(4, 0, 11 * S);
    b.runUntil(12 * S);
    double delivered = 1 - b.hubLoss(1 * S, 11 * S);
    LinkSnapshot site = b.site.snapshot();
    LinkSnapshot hub = b.hub.snapshot();
    System.out.printf(
        "redundant, 20%% loss on each of two paths: delivered %.2f%% (expected 96%%), copies sent"
            + " %d of %d packets, duplicates received %d, copies too old for the replay window"
            + " %d, out of order %d%n",
        100 * delivered,
        site.scheduler().duplicatesSent(),
        site.scheduler().packets(),
        hub.duplicatesReceived(),
        b.hub.tooOld,
        b.hubOutOfOrder());
    assertThat(delivered).isGreaterThanOrEqualTo(0.95);
    // every packet once both paths answered (a path whose first probes are lost is still probing)
    assertThat(site.scheduler().duplicatesSent())
        .isGreaterThanOrEqualTo(site.scheduler().packets() * 97 / 100);
    assertThat(hub.duplicatesReceived()).isGreaterThan(site.scheduler().packets() / 2);
    assertThat(b.hubOutOfOrder()).isZero();
  }

  /**
   * 10 ms and 50 ms paths both carrying traffic: everything is released in order. One packet is
   * then lost; with a hold timeout far longer than the paths' spread (400 ms margin), the gap can
   * only be given up early by the rule that both paths delivered later ids, and the latency of the
   * packets behind it shows it was.
   */
  @Test
  void reorderBufferReleasesInOrderAndGivesUpALossOnceBothPathsDeliveredLaterIds() {
    MultipathConfig patient =
        DEFAULTS.toBuilder()
            .reorder(
                new ReorderConfig(
                    true, 2048, 4 << 20, Duration.ofMillis(400), Duration.ofMillis(500)))
            .build();
    SimBond b = new SimBond(seed(7), patient);
    SimPath fast = b.path(10, 10, 0);
    SimPath slow = b.path(10, 50, 0);
    b.siteSource(16, 0, 11 * S);
    long lost = 7143; // the packet sent at 5 s (one every 0.7 ms), whichever path takes it
    fast.up.dropAppSeq = lost;
    slow.up.dropAppSeq = lost;
    b.runUntil(12 * S);
    ReorderSnapshot r = b.hub.snapshot().reorder();
    double maxLatency = b.hubLatencyMs(1.0, 1 * S, 11 * S);

    SimBond off = new SimBond(seed(7), DEFAULTS.toBuilder().reorder(ReorderConfig.off()).build());
    off.path(10, 10, 0);
    off.path(10, 50, 0);
    off.siteSource(16, 0, 11 * S);
    off.runUntil(12 * S);
    System.out.printf(
        "reorder 10 ms + 50 ms at 16 Mbit/s: on: out of order %d, released late %d, gaps given up"
            + " %s, max latency %.1f ms (hold timeout %.0f ms); off: out of order %d of %d%n",
        b.hubOutOfOrder(),
        r.releasedLate(),
        r.gapsGivenUp(),
        maxLatency,
        r.holdTimeoutNanos() / 1e6,
        off.hubOutOfOrder(),
        off.hub.delivered.size());
    assertThat(b.hubOutOfOrder()).isZero();
    assertThat(r.releasedLate()).isZero();
    assertThat(r.idsGivenUp()).isEqualTo(1);
    assertThat(r.gapsGivenUp(GapReason.ALL_PATHS_PASSED)).isEqualTo(1);
    assertThat(r.gapsGivenUp(GapReason.TIMEOUT)).isZero();
    assertThat(r.holdTimeoutNanos()).isGreaterThan(400 * MS);
    assertThat(maxLatency).as("nothing waited for the timer").isLessThan(100);
    assertThat(b.hub.delivered).hasSize(b.site.sent.size() - 1);
    assertThat(off.hubOutOfOrder()).as("without the buffer").isGreaterThan(1000);
  }

  @Test
  void lowestRttUsesOnlyTheFasterPath() {
    SimBond b = new SimBond(seed(8), with(SchedulerKind.LOWEST_RTT));
    SimPath slow = b.path(10, 30, 0);
    SimPath fast = b.path(10, 10, 0);
    b.siteSource(8, 0, 6 * S);
    b.runUntil(7 * S);
    System.out.printf("lowest-rtt: shares slow %.4f fast %.4f%n", share(b, slow), share(b, fast));
    assertThat(share(b, fast)).isGreaterThan(0.99);
    assertThat(b.hubLoss(1 * S, 6 * S)).isZero();
  }

  @Test
  void activeBackupUsesTheFirstUplinkAndFailsOverToTheNext() {
    SimBond b = new SimBond(seed(9), with(SchedulerKind.ACTIVE_BACKUP));
    SimPath first = b.path(10, 30, 0);
    SimPath second = b.path(10, 10, 0);
    b.siteSource(8, 0, 8 * S);
    b.runUntil(4 * S);
    long secondBefore = sitePath(b, second).dataPackets();
    first.blackhole(true);
    b.runUntil(8 * S);
    LinkSnapshot s = b.site.snapshot();
    System.out.printf(
        "active-backup: second uplink carried %d packets while the first was up, %d after it"
            + " failed; failovers %d; largest gap %.1f ms%n",
        secondBefore,
        s.path(second.siteId).dataPackets() - secondBefore,
        s.scheduler().failovers(),
        b.hubLargestGapMs(1 * S, 8 * S));
    assertThat(secondBefore).isLessThan(50); // before the first uplink's first answer
    assertThat(s.path(second.siteId).dataPackets() - secondBefore).isGreaterThan(2500);
    assertThat(s.scheduler().failovers()).isEqualTo(1);
    assertThat(b.hubLargestGapMs(1 * S, 8 * S))
        .as("all traffic was on the failed path")
        .isLessThan(500);
  }

  @Test
  void backupUplinkCarriesNothingUntilThePrimaryFails() {
    SimBond b = new SimBond(seed(10), DEFAULTS);
    SimPath primary = b.path(10, 10, 0);
    SimPath backup = b.path(10, 10, 0, true);
    b.siteSource(8, 0, 8 * S);
    b.runUntil(4 * S);
    PathSnapshot reserve = sitePath(b, backup);
    PathSnapshot hubReserve = hubPath(b, backup);
    primary.blackhole(true);
    b.runUntil(8 * S);
    LinkSnapshot s = b.site.snapshot();
    System.out.printf(
        "backup uplink: state %s (hub %s), %d packets while the primary was up, %d after;"
            + " backup activations %d; delivered %.2f%% over 1-8 s%n",
        reserve.state(),
        hubReserve.state(),
        reserve.dataPackets(),
        s.path(backup.siteId).dataPackets() - reserve.dataPackets(),
        s.scheduler().backupActivations(),
        100 * (1 - b.hubLoss(1 * S, 7 * S)));
    assertThat(reserve.state()).isEqualTo(PathState.BACKUP);
    assertThat(hubReserve.backup()).as("the hub learned the flag from the site's probes").isTrue();
    assertThat(reserve.dataPackets()).isLessThan(50);
    assertThat(s.path(backup.siteId).state()).isEqualTo(PathState.UP);
    assertThat(s.path(backup.siteId).dataPackets() - reserve.dataPackets()).isGreaterThan(2500);
    assertThat(s.scheduler().backupActivations()).isEqualTo(1);
    assertThat(s.scheduler().tier()).isEqualTo(Tier.BACKUP);
  }

  /** A 600 ms round trip with 100 ms of jitter, probed at the default interval: never flapped. */
  @Test
  void aSatelliteLikePathIsNotFlappedByItsLongRoundTrip() {
    SimBond b = new SimBond(seed(11), DEFAULTS);
    SimPath sat = b.path(10, 300, 0);
    sat.up.jitterNanos = 100 * MS;
    sat.down.jitterNanos = 100 * MS;
    b.siteSource(2, 0, 30 * S);
    b.runUntil(31 * S);
    PathSnapshot p = sitePath(b, sat);
    System.out.printf(
        "satellite-like path: state %s, downs %d, srtt %.0f ms, rttvar %.0f ms, loss %.2f%%%n",
        p.state(),
        p.downs(),
        p.srttNanos() / 1e6,
        p.rttvarNanos() / 1e6,
        100 * b.hubLoss(1 * S, 29 * S));
    assertThat(p.state()).isEqualTo(PathState.UP);
    assertThat(p.downs()).isZero();
    assertThat(b.hubLoss(1 * S, 29 * S)).isZero();
  }
}
