package dev.braid.agent.engine;

import java.net.InetSocketAddress;

/**
 * One accepted TCP (or MPTCP) connection of the TCP loop as a path: replies to a TCP peer go back
 * on the stream they belong to. The id makes two connections from the same address different paths.
 *
 * @param id the loop's number for the connection
 * @param remote the peer's address and port
 * @param local the local address and port it connected to
 */
public record TcpPath(long id, InetSocketAddress remote, InetSocketAddress local) implements Path {
  @Override
  public String toString() {
    return "tcp " + remote + " via " + local.getAddress().getHostAddress() + " #" + id;
  }
}
