package dev.braid.agent.openvpn.tlswrap;

/**
 * Token bucket for new-session resets (OpenVPN's --connect-freq idea): at most {@code burst} at
 * once and {@code perSecond} sustained. Resets over the limit are dropped before any state or
 * reply. Not thread-safe: one per worker.
 */
public final class ResetRateLimiter {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long lastNanos;
  private boolean started;

  public ResetRateLimiter(double perSecond, int burst) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("rate " + perSecond + "/s burst " + burst);
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
  }

  /** Takes one token if available. */
  public boolean tryAcquire(long nowNanos) {
    if (started) {
      tokens = Math.min(burst, tokens + Math.max(0, nowNanos - lastNanos) * perNano);
    }
    started = true;
    lastNanos = nowNanos;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
