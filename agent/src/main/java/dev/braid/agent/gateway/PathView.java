package dev.braid.agent.gateway;

import dev.braid.agent.engine.Path;
import dev.braid.agent.engine.TcpPath;
import dev.braid.agent.engine.UdpPath;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One path of a session as status reports it: both ends as {@code address:port} ({@code
 * [address]:port} for IPv6), the form the VPNGatewayNode's path list documents.
 *
 * @param remote the client's address and port
 * @param local the gateway address and port the client sent to, or null when unknown
 */
public record PathView(String remote, String local) {
  /** A path of either transport; {@code port} is the gateway's listening port. */
  static PathView of(Path p, int port) {
    return switch (p) {
      case UdpPath udp -> udp(udp, port);
      case TcpPath tcp -> tcp(tcp);
    };
  }

  /** A UDP path; {@code port} is the gateway's listening port. */
  static PathView udp(UdpPath p, int port) {
    return new PathView(
        endpoint(p.remote().getAddress(), p.remote().getPort()),
        p.local() == null ? null : endpoint(p.local(), port));
  }

  /** A TCP connection's ends. */
  static PathView tcp(TcpPath link) {
    return new PathView(endpoint(link.remote()), endpoint(link.local()));
  }

  static String endpoint(InetSocketAddress a) {
    return endpoint(a.getAddress(), a.getPort());
  }

  static String endpoint(InetAddress address, int port) {
    String host = address.getHostAddress();
    return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
  }
}
