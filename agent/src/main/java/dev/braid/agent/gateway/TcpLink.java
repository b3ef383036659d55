package dev.braid.agent.gateway;

import java.net.InetSocketAddress;

/**
 * One accepted TCP connection as a session's path: replies to a TCP client go back on the stream
 * they belong to. The id makes two connections from the same address different paths.
 */
record TcpLink(long id, InetSocketAddress remote, InetSocketAddress local) {
  @Override
  public String toString() {
    return "tcp " + remote + " via " + local.getAddress().getHostAddress() + " #" + id;
  }
}
