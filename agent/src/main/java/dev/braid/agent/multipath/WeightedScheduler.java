package dev.braid.agent.multipath;

/**
 * Sends each packet on the candidate where it is expected to arrive first: the time the path's
 * modeled queue drains, plus the packet's own transmission time at the path's effective rate, plus
 * the path's one-way delay relative to the fastest candidate. With the queue drained at the
 * measured rate, equal paths alternate, a 4:1 pair splits 4:1 once the load needs both, and a
 * slower path gets a packet only when the fast path's queue would delay it more than the detour
 * does: at light load everything takes the fast path, and the bond never delivers later than its
 * best path alone would (the complaint of glorytun#98 and #70). Arrival times within 1 ms or a
 * tenth of the smallest round trip of the earliest count as equal, and the least recently loaded of
 * those paths gets the packet: equal paths share even a light load.
 *
 * <p>The effective rate is the measured rate scaled by weight (relative to the heaviest candidate)
 * and, for a lossy path, by {@code lossBudget / loss}: a path losing 1% then carries about a fifth
 * of its fair share, adding about 0.2% loss to the bond instead of 0.5% (one lossy path must not
 * ruin TCP over the bond: glorytun#45). Paths above the loss limit are degraded and not candidates
 * at all.
 *
 * <p>When every candidate's modeled queue is long, the offered load exceeds what the paths are
 * believed to carry: packets still go out (the inner TCP's own congestion control governs the load)
 * and are counted as overcommitted; the modeled queues are shifted together so they stay bounded
 * without changing the split.
 */
final class WeightedScheduler implements Scheduler {
  private static final long MAX_BACKLOG_NANOS = 1_000_000_000L;
  private static final double MIN_LOSS_FACTOR = 0.01;
  private static final long TOLERANCE_NANOS = 1_000_000;

  private final double lossBudget;
  private final long overcommitNanos;
  private long overcommitted;
  private long tolerance = TOLERANCE_NANOS;

  WeightedScheduler(MultipathConfig config) {
    this.lossBudget = config.lossBudget();
    this.overcommitNanos = 4 * config.queueTarget().toNanos();
  }

  @Override
  public void prepare(Candidates c, long nowNanos) {
    int maxWeight = 1;
    boolean allForward = true;
    boolean allRtt = true;
    for (int i = 0; i < c.count; i++) {
      Path p = c.paths[i];
      maxWeight = Math.max(maxWeight, p.weight);
      allForward &= p.forward.hasSample();
      allRtt &= p.rtt.hasSample();
    }
    long minDelay = Long.MAX_VALUE;
    for (int i = 0; i < c.count; i++) {
      Path p = c.paths[i];
      double effective = (double) p.rate.rate() * p.weight / maxWeight * lossFactor(p);
      p.nanosPerByte = 1e9 / Math.max(effective, RateEstimator.MIN_RATE * MIN_LOSS_FACTOR);
      p.relativeDelayNanos = allForward ? p.forward.smoothed() : allRtt ? p.rtt.srtt() / 2 : 0;
      minDelay = Math.min(minDelay, p.relativeDelayNanos);
    }
    // Arrival differences within the tolerance are noise: such paths count as equally fast, so
    // they share the load instead of one taking all of it on a few microseconds of jitter.
    tolerance = TOLERANCE_NANOS;
    for (int i = 0; i < c.count; i++) {
      tolerance = Math.max(tolerance, c.paths[i].rtt.minRtt() / 10);
    }
    for (int i = 0; i < c.count; i++) {
      c.paths[i].relativeDelayNanos -= minDelay;
    }
  }

  private double lossFactor(Path p) {
    double loss = p.loss.loss();
    if (lossBudget <= 0 || loss <= lossBudget) {
      return 1;
    }
    return Math.max(MIN_LOSS_FACTOR, lossBudget / loss);
  }

  @Override
  public long pick(Candidates c, int length, long nowNanos) {
    if (c.count == 0) {
      return 0;
    }
    long earliest = Long.MAX_VALUE;
    long minBacklog = Long.MAX_VALUE;
    for (int i = 0; i < c.count; i++) {
      Path p = c.paths[i];
      long backlog = Math.max(0, p.busyUntilNanos - nowNanos);
      minBacklog = Math.min(minBacklog, backlog);
      earliest = Math.min(earliest, arrival(p, backlog, length));
    }
    // Among the paths where the packet arrives about as early as it can, the least recently
    // loaded: equal paths share even a light load, so none sits idle and a blackhole on one costs
    // a share of the packets until it is detected, not all of them.
    Path best = null;
    for (int i = 0; i < c.count; i++) {
      Path p = c.paths[i];
      long backlog = Math.max(0, p.busyUntilNanos - nowNanos);
      if (arrival(p, backlog, length) - earliest <= tolerance
          && (best == null || p.busyUntilNanos - best.busyUntilNanos < 0)) {
        best = p;
      }
    }
    long start = Math.max(best.busyUntilNanos - nowNanos, 0) + nowNanos;
    best.busyUntilNanos = start + (long) (length * best.nanosPerByte);
    if (minBacklog > overcommitNanos) {
      overcommitted++;
      if (minBacklog > MAX_BACKLOG_NANOS) {
        long shift = minBacklog - MAX_BACKLOG_NANOS;
        for (int i = 0; i < c.count; i++) {
          c.paths[i].busyUntilNanos -= shift;
        }
      }
    }
    return 1L << best.id;
  }

  /** When the packet would arrive on {@code p}, relative to now and the fastest path's delay. */
  private static long arrival(Path p, long backlog, int length) {
    return backlog + (long) (length * p.nanosPerByte) + p.relativeDelayNanos;
  }

  @Override
  public long overcommitted() {
    return overcommitted;
  }
}
