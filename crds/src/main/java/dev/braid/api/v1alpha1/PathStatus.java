package dev.braid.api.v1alpha1;

/** One path (local address, remote address, transport) of a session. */
public class PathStatus {
  /** Local address and port the path arrives on, e.g. {@code 192.0.2.10:1194}. */
  public String local;

  /** Remote address and port of the peer. */
  public String remote;

  /** {@code UDP} or {@code TCP}. */
  public Transport transport;

  /**
   * For a stock client's session: {@code active} (replies go here) or {@code standby}. For a
   * multipath peer's path: {@code up}, {@code probing} (new, not yet confirmed), {@code degraded}
   * (probes overdue, lossy or queueing: traffic moves away), {@code down} or {@code backup} (up,
   * waiting for the other paths to fail).
   */
  public String state;

  /**
   * The path's name in a multipath session: the uplink's on a site, the peer's address on a hub.
   */
  public String name;

  /** Smoothed round-trip time in milliseconds. */
  public Double rttMillis;

  /** Fraction of packets lost in the sending direction, 0 to 1 (multipath paths). */
  public Double loss;

  /** Estimated capacity in the sending direction in bytes per second (multipath paths). */
  public Long rateBytesPerSecond;

  /** When a probe on this path was last answered (RFC 3339; multipath paths). */
  public String lastProbe;

  /** Bytes received on this path (multipath paths: tunnel payload bytes, probes included). */
  public Long bytesIn;

  /** Bytes sent on this path (multipath paths: tunnel payload bytes, probes included). */
  public Long bytesOut;
}
