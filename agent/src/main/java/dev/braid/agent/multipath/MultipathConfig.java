package dev.braid.agent.multipath;

import java.time.Duration;

/**
 * Tuning of one multipath session. {@link #defaults()} suits terrestrial uplinks; raise {@code
 * probeInterval} for satellite-like links (every timeout is derived from it and from the measured
 * round trip).
 *
 * @param scheduler how packets are spread over paths
 * @param probeInterval how often every path is probed, busy or idle
 * @param downAfterMissed a path is down after no answer for this many probe intervals (or for one
 *     interval plus four round-trip variances, if longer)
 * @param suspectAfterMissed this many consecutive overdue probes make a path degraded, so traffic
 *     moves away before it is declared down
 * @param upAfterAnswers answered probes, without a down timeout of silence between them, that bring
 *     a down path back up (doubled for each recent flap, up to eight times)
 * @param maxPaths most paths per session; more are refused and counted (at most 64)
 * @param lossLimit loss in the sending direction above which a path is degraded (it recovers below
 *     half of it)
 * @param lossBudget the weighted scheduler scales a lossy path's share so that it adds about this
 *     much loss to the bond; 0 switches the scaling off
 * @param initialRate bytes per second assumed for a path before its delivery rate is measured
 * @param maxRate upper bound of a path's estimated rate, bytes per second
 * @param queueTarget queueing delay on a path (above its baseline one-way delay, or a quarter of
 *     its minimum round trip if longer) above which its estimated rate is cut
 * @param forgetLearnedAfter a learned path (hub side) that stays down this long is removed
 * @param reorder the receiver's reorder buffer
 */
public record MultipathConfig(
    SchedulerKind scheduler,
    Duration probeInterval,
    int downAfterMissed,
    int suspectAfterMissed,
    int upAfterAnswers,
    int maxPaths,
    double lossLimit,
    double lossBudget,
    long initialRate,
    long maxRate,
    Duration queueTarget,
    Duration forgetLearnedAfter,
    ReorderConfig reorder) {

  /** Hard limit on paths: path ids travel in one byte and the scheduler returns a 64-bit mask. */
  public static final int PATH_LIMIT = 64;

  public MultipathConfig {
    if (probeInterval.compareTo(Duration.ofMillis(10)) < 0
        || probeInterval.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new IllegalArgumentException(
          "multipath probeInterval must be 10ms..60s: " + probeInterval);
    }
    if (downAfterMissed < 2 || downAfterMissed > 100) {
      throw new IllegalArgumentException(
          "multipath downAfterMissed must be 2..100: " + downAfterMissed);
    }
    if (suspectAfterMissed < 1 || suspectAfterMissed > downAfterMissed) {
      throw new IllegalArgumentException(
          "multipath suspectAfterMissed must be 1..downAfterMissed ("
              + downAfterMissed
              + "): "
              + suspectAfterMissed);
    }
    if (upAfterAnswers < 1 || upAfterAnswers > 50) {
      throw new IllegalArgumentException(
          "multipath upAfterAnswers must be 1..50: " + upAfterAnswers);
    }
    if (maxPaths < 1 || maxPaths > PATH_LIMIT) {
      throw new IllegalArgumentException("multipath maxPaths must be 1..64: " + maxPaths);
    }
    if (!(lossLimit > 0 && lossLimit <= 1)) {
      throw new IllegalArgumentException("multipath lossLimit must be in (0, 1]: " + lossLimit);
    }
    if (!(lossBudget >= 0 && lossBudget < lossLimit)) {
      throw new IllegalArgumentException(
          "multipath lossBudget must be in [0, lossLimit " + lossLimit + "): " + lossBudget);
    }
    if (initialRate < 1 || maxRate < initialRate) {
      throw new IllegalArgumentException(
          "multipath rates: initialRate " + initialRate + " must be 1..maxRate " + maxRate);
    }
    if (queueTarget.isNegative() || queueTarget.isZero()) {
      throw new IllegalArgumentException("multipath queueTarget must be > 0: " + queueTarget);
    }
    if (forgetLearnedAfter.isNegative()) {
      throw new IllegalArgumentException(
          "multipath forgetLearnedAfter must be >= 0: " + forgetLearnedAfter);
    }
    if (scheduler == null || reorder == null) {
      throw new IllegalArgumentException("multipath scheduler and reorder must be set");
    }
  }

  /**
   * Weighted scheduling; probes every 100 ms; degraded after 2 overdue probes, down after 400 ms of
   * silence, up again after 2 answers; 8 paths; degraded above 10% loss; lossy shares scaled to add
   * about 0.2% loss; 10 Mbit/s assumed until measured; 10 ms queue target; learned paths forgotten
   * after 60 s down; reorder buffer on.
   */
  public static MultipathConfig defaults() {
    return new MultipathConfig(
        SchedulerKind.WEIGHTED,
        Duration.ofMillis(100),
        4,
        2,
        2,
        8,
        0.10,
        0.002,
        1_250_000,
        1_250_000_000L,
        Duration.ofMillis(10),
        Duration.ofSeconds(60),
        ReorderConfig.defaults());
  }

  /** A builder starting from these values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Changes some values of a config; each setter sets the record component of the same name, and
   * {@link #build()} validates them together.
   */
  public static final class Builder {
    private SchedulerKind scheduler;
    private Duration probeInterval;
    private int downAfterMissed;
    private int suspectAfterMissed;
    private int upAfterAnswers;
    private int maxPaths;
    private double lossLimit;
    private double lossBudget;
    private long initialRate;
    private long maxRate;
    private Duration queueTarget;
    private Duration forgetLearnedAfter;
    private ReorderConfig reorder;

    private Builder(MultipathConfig c) {
      scheduler = c.scheduler;
      probeInterval = c.probeInterval;
      downAfterMissed = c.downAfterMissed;
      suspectAfterMissed = c.suspectAfterMissed;
      upAfterAnswers = c.upAfterAnswers;
      maxPaths = c.maxPaths;
      lossLimit = c.lossLimit;
      lossBudget = c.lossBudget;
      initialRate = c.initialRate;
      maxRate = c.maxRate;
      queueTarget = c.queueTarget;
      forgetLearnedAfter = c.forgetLearnedAfter;
      reorder = c.reorder;
    }

    public Builder scheduler(SchedulerKind v) {
      scheduler = v;
      return this;
    }

    public Builder probeInterval(Duration v) {
      probeInterval = v;
      return this;
    }

    public Builder downAfterMissed(int v) {
      downAfterMissed = v;
      return this;
    }

    public Builder suspectAfterMissed(int v) {
      suspectAfterMissed = v;
      return this;
    }

    public Builder upAfterAnswers(int v) {
      upAfterAnswers = v;
      return this;
    }

    public Builder maxPaths(int v) {
      maxPaths = v;
      return this;
    }

    public Builder lossLimit(double v) {
      lossLimit = v;
      return this;
    }

    public Builder lossBudget(double v) {
      lossBudget = v;
      return this;
    }

    public Builder initialRate(long bytesPerSecond) {
      initialRate = bytesPerSecond;
      return this;
    }

    public Builder maxRate(long bytesPerSecond) {
      maxRate = bytesPerSecond;
      return this;
    }

    public Builder queueTarget(Duration v) {
      queueTarget = v;
      return this;
    }

    public Builder forgetLearnedAfter(Duration v) {
      forgetLearnedAfter = v;
      return this;
    }

    public Builder reorder(ReorderConfig v) {
      reorder = v;
      return this;
    }

    public MultipathConfig build() {
      return new MultipathConfig(
          scheduler,
          probeInterval,
          downAfterMissed,
          suspectAfterMissed,
          upAfterAnswers,
          maxPaths,
          lossLimit,
          lossBudget,
          initialRate,
          maxRate,
          queueTarget,
          forgetLearnedAfter,
          reorder);
    }
  }
}
