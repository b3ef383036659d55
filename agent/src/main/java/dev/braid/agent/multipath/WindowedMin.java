package dev.braid.agent.multipath;

/**
 * Minimum of the samples of the last one to two buckets of time: cheap (two values), and it forgets
 * an old minimum within two buckets, so a path whose base delay grows is followed.
 */
final class WindowedMin {
  private final long bucketNanos;
  private long current = Long.MAX_VALUE;
  private long previous = Long.MAX_VALUE;
  private long bucketStart;
  private boolean started;

  WindowedMin(long bucketNanos) {
    this.bucketNanos = bucketNanos;
  }

  void add(long value, long nowNanos) {
    if (!started) {
      started = true;
      bucketStart = nowNanos;
    } else if (nowNanos - bucketStart >= bucketNanos) {
      previous = nowNanos - bucketStart >= 2 * bucketNanos ? Long.MAX_VALUE : current;
      current = Long.MAX_VALUE;
      bucketStart = nowNanos;
    }
    current = Math.min(current, value);
  }

  /** The windowed minimum, or -1 before the first sample. */
  long value() {
    long m = Math.min(current, previous);
    return m == Long.MAX_VALUE ? -1 : m;
  }

  /** Like {@link #value()} for samples that may be negative; {@link Long#MAX_VALUE} when empty. */
  long rawValue() {
    return Math.min(current, previous);
  }
}
