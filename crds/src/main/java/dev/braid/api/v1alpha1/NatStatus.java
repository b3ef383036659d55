package dev.braid.api.v1alpha1;

/** How a node forwards and translates tunnel traffic ({@code spec.nat}), as its agent set it up. */
public class NatStatus {
  /**
   * Tunnel traffic leaving the node is masqueraded to the node's address on the outgoing interface
   * (false when {@code spec.nat} is off, or when setting it up failed: {@code lastError} says why).
   */
  public Boolean active;

  /**
   * The nft table the agent owns for it, such as {@code inet braid.default.office}; the agent
   * removes it when it stops.
   */
  public String table;

  /** Whether the node forwards IPv4 packets ({@code net.ipv4.ip_forward}). */
  public Boolean ipv4Forwarding;

  /**
   * Whether the node forwards IPv6 packets ({@code net.ipv6.conf.all.forwarding}); unset without an
   * IPv6 pool.
   */
  public Boolean ipv6Forwarding;
}
