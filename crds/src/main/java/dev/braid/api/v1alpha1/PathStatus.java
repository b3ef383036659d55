package dev.braid.api.v1alpha1;

/** One path (local address, remote address, transport) of a session. */
public class PathStatus {
  /** Local address and port the path arrives on, e.g. {@code 192.0.2.10:1194}. */
  public String local;

  /** Remote address and port of the peer. */
  public String remote;

  /** {@code UDP} or {@code TCP}. */
  public Transport transport;

  /** {@code up}, {@code probing}, {@code degraded} or {@code down}. */
  public String state;

  /** Smoothed round-trip time in milliseconds. */
  public Double rttMillis;

  /** Fraction of packets lost, 0 to 1. */
  public Double loss;

  /** Bytes received on this path. */
  public Long bytesIn;

  /** Bytes sent on this path. */
  public Long bytesOut;
}
