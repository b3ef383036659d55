package dev.braid.agent.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A UDP path: the peer's address, and the local address and interface it sent to. Replies on this
 * path leave from {@code local} (through {@code ifindex}), which is what a peer behind a connected
 * socket or a NAT expects.
 *
 * @param remote the peer's address and port
 * @param local the local address the peer sent to, or null if unknown (the kernel then chooses)
 * @param ifindex the interface the peer's datagrams arrived on, 0 if unknown
 */
public record UdpPath(InetSocketAddress remote, InetAddress local, int ifindex) implements Path {
  public UdpPath {
    Objects.requireNonNull(remote, "remote");
  }

  @Override
  public String toString() {
    return remote + " via " + (local == null ? "*" : local.getHostAddress()) + "%" + ifindex;
  }
}
