package dev.braid.agent.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One way to reach a peer: its address, and the local address and interface it sent to. Replies on
 * this path leave from {@code local} (through {@code ifindex}), which is what a peer behind a
 * connected socket or a NAT expects. A session may own several paths.
 *
 * @param remote the peer's address and port
 * @param local the local address the peer sent to, or null if unknown (the kernel then chooses)
 * @param ifindex the interface the peer's datagrams arrived on, 0 if unknown
 */
public record Path(InetSocketAddress remote, InetAddress local, int ifindex) {
  public Path {
    Objects.requireNonNull(remote, "remote");
  }

  @Override
  public String toString() {
    return remote + " via " + (local == null ? "*" : local.getHostAddress()) + "%" + ifindex;
  }
}
