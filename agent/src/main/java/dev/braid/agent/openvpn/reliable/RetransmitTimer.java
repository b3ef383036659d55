package dev.braid.agent.openvpn.reliable;

/**
 * Round-trip estimator of RFC 6298: smoothed RTT and variance from samples of packets sent once
 * (Karn's rule is applied by the caller), giving the base retransmit timeout. With {@code adaptive
 * = false} it returns the fixed initial timeout, as upstream OpenVPN does.
 */
final class RetransmitTimer {
  private static final long CLOCK_GRANULARITY_NANOS = 1_000_000;

  private final boolean adaptive;
  private final long initialNanos;
  private final long minNanos;
  private final long maxNanos;
  private long srttNanos = -1;
  private long rttvarNanos;

  RetransmitTimer(ReliableConfig config) {
    this.adaptive = config.adaptiveTimeout();
    this.initialNanos = config.initialTimeout().toNanos();
    this.minNanos = config.minTimeout().toNanos();
    this.maxNanos = config.maxTimeout().toNanos();
  }

  void sample(long rttNanos) {
    if (rttNanos < 0) {
      return;
    }
    if (srttNanos < 0) {
      srttNanos = rttNanos;
      rttvarNanos = rttNanos / 2;
    } else {
      rttvarNanos = (3 * rttvarNanos + Math.abs(srttNanos - rttNanos)) / 4;
      srttNanos = (7 * srttNanos + rttNanos) / 8;
    }
  }

  boolean hasSample() {
    return srttNanos >= 0;
  }

  /** Smoothed round trip, or -1 before the first sample. */
  long smoothedRttNanos() {
    return srttNanos;
  }

  /** Timeout for a packet's first transmission. */
  long timeoutNanos() {
    if (!adaptive || srttNanos < 0) {
      return initialNanos;
    }
    long rto = srttNanos + Math.max(CLOCK_GRANULARITY_NANOS, 4 * rttvarNanos);
    return Math.clamp(rto, minNanos, maxNanos);
  }

  /** The timeout after one more expiry: doubled, capped. */
  long backoff(long currentNanos) {
    return currentNanos > maxNanos / 2 ? maxNanos : currentNanos * 2;
  }
}
