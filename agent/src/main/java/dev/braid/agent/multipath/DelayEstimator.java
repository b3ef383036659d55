package dev.braid.agent.multipath;

/**
 * One-way delay of a path in one direction, relative to an unknown clock offset: samples are
 * "receiver's clock at arrival minus sender's clock at sending". The offset is the same for every
 * path between the same two hosts, so differences between paths are true one-way delay differences
 * even on asymmetric links, and a sample above the path's windowed minimum is queueing delay.
 * Smoothed with RFC 6298's gains.
 */
final class DelayEstimator {
  // Long, so that a queue standing for many seconds under overload is not taken for the base delay
  // (monotonic clocks of two hosts drift apart by microseconds per second at most).
  private static final long WINDOW_HALF_NANOS = 30_000_000_000L;
  private static final long PEAK_HALF_NANOS = 1_000_000_000L;

  private boolean has;
  private long smoothed;
  private long var;
  private long last;
  private final WindowedMin base = new WindowedMin(WINDOW_HALF_NANOS);
  private final WindowedMin negatedPeak = new WindowedMin(PEAK_HALF_NANOS);

  void sample(long relativeNanos, long nowNanos) {
    if (!has) {
      has = true;
      smoothed = relativeNanos;
      var = 0;
    } else {
      var = (3 * var + Math.abs(smoothed - relativeNanos)) / 4;
      smoothed = smoothed + (relativeNanos - smoothed) / 8;
    }
    last = relativeNanos;
    base.add(relativeNanos, nowNanos);
    negatedPeak.add(-relativeNanos, nowNanos);
  }

  boolean hasSample() {
    return has;
  }

  /** Smoothed relative delay (meaningful only against another path's). */
  long smoothed() {
    return smoothed;
  }

  /** Mean deviation of the samples. */
  long variation() {
    return var;
  }

  /** Smallest sample of the last 30 to 60 seconds: the delay without queueing. */
  long base() {
    return base.rawValue();
  }

  /** Largest sample of the last one to two seconds: the delay with the recent worst queue. */
  long peak() {
    return -negatedPeak.rawValue();
  }

  /** How far the latest sample lies above the windowed minimum: the queue on this path. */
  long queueingNanos() {
    return has ? last - base.rawValue() : 0;
  }
}
