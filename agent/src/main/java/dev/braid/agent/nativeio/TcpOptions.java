package dev.braid.agent.nativeio;

import java.time.Duration;

/**
 * Per-connection TCP options. {@code userTimeout} (TCP_USER_TIMEOUT) bounds how long sent data may
 * stay unacknowledged before the kernel gives up with ETIMEDOUT; keepalive probes an idle
 * connection. A zero duration leaves the kernel default.
 *
 * @param userTimeout TCP_USER_TIMEOUT, zero for the kernel default (retransmissions, ~15 min)
 * @param keepalive SO_KEEPALIVE
 * @param keepaliveIdle TCP_KEEPIDLE: idle time before the first probe
 * @param keepaliveInterval TCP_KEEPINTVL: time between probes
 * @param keepaliveProbes TCP_KEEPCNT: unanswered probes before the connection is dropped, 0 default
 * @param noDelay TCP_NODELAY: OpenVPN packets are latency sensitive, do not wait to coalesce
 */
public record TcpOptions(
    Duration userTimeout,
    boolean keepalive,
    Duration keepaliveIdle,
    Duration keepaliveInterval,
    int keepaliveProbes,
    boolean noDelay) {

  public TcpOptions {
    requireNonNegative(userTimeout, "userTimeout");
    requireNonNegative(keepaliveIdle, "keepaliveIdle");
    requireNonNegative(keepaliveInterval, "keepaliveInterval");
    if (keepaliveProbes < 0) {
      throw new IllegalArgumentException("keepaliveProbes must not be negative");
    }
  }

  private static void requireNonNegative(Duration d, String name) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be zero or positive: " + d);
    }
  }

  /** Kernel defaults everywhere except TCP_NODELAY. */
  public static TcpOptions defaults() {
    return new TcpOptions(Duration.ZERO, false, Duration.ZERO, Duration.ZERO, 0, true);
  }

  public TcpOptions withUserTimeout(Duration timeout) {
    return new TcpOptions(
        timeout, keepalive, keepaliveIdle, keepaliveInterval, keepaliveProbes, noDelay);
  }

  public TcpOptions withKeepalive(Duration idle, Duration interval, int probes) {
    return new TcpOptions(userTimeout, true, idle, interval, probes, noDelay);
  }
}
