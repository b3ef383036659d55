package dev.braid.agent.multipath;

/**
 * Smoothed round trip and its variance from probe echoes (RFC 6298's gains), plus the minimum seen
 * in a sliding window of about ten seconds (two five-second buckets), the path's base delay.
 */
final class RttEstimator {
  private static final long WINDOW_HALF_NANOS = 5_000_000_000L;

  private long srtt = -1;
  private long rttvar;
  private final WindowedMin min = new WindowedMin(WINDOW_HALF_NANOS);

  void sample(long rttNanos, long nowNanos) {
    if (srtt < 0) {
      srtt = rttNanos;
      rttvar = rttNanos / 2;
    } else {
      rttvar = (3 * rttvar + Math.abs(srtt - rttNanos)) / 4;
      srtt = (7 * srtt + rttNanos) / 8;
    }
    min.add(rttNanos, nowNanos);
  }

  boolean hasSample() {
    return srtt >= 0;
  }

  /** Smoothed round trip, or -1 before the first sample. */
  long srtt() {
    return srtt;
  }

  long rttvar() {
    return rttvar;
  }

  /** Smallest round trip in the last five to ten seconds, or -1 before the first sample. */
  long minRtt() {
    return min.value();
  }
}
