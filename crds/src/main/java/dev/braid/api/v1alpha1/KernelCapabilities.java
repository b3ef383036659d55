package dev.braid.api.v1alpha1;

/** Kernel features the data plane uses, each probed on the node at start. */
public class KernelCapabilities {
  /** Kernel release, from {@code uname -r}. */
  public String kernel;

  /** Several sockets on one port, one per worker. */
  public Capability reusePort;

  /** Steering a session's datagrams to one worker with a classic BPF program. */
  public Capability reusePortSteering;

  /** One TUN queue per worker. */
  public Capability multiqueueTun;

  /** Replies from the address each IPv4 packet arrived on. */
  public Capability ipPktinfo;

  /** Replies from the address each IPv6 packet arrived on. */
  public Capability ipv6Pktinfo;

  /** Multipath TCP for the TCP transport. */
  public Capability mptcp;

  /**
   * UDP segmentation offload (UDP GSO, Linux 4.18): several datagrams to one client per send.
   * Without it every datagram is its own send.
   */
  public Capability udpSegmentation;
}
