package dev.braid.agent.openvpn.client.profile;

/**
 * A server to connect to ({@code remote host [port [proto]]}), with the profile's {@code port} and
 * {@code proto} filled in where the line left them out.
 *
 * @param host host name or address, as written (resolving it is the caller's job)
 * @param port port, 1..65535
 * @param protocol transport
 */
public record Remote(String host, int port, Protocol protocol) {
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host)
        + ":"
        + port
        + "/"
        + protocol.openvpnName();
  }
}
