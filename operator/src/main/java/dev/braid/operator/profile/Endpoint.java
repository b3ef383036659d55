package dev.braid.operator.profile;

/**
 * A {@code host:port} or {@code [ipv6]:port} endpoint.
 *
 * @param host host name or address, without brackets
 * @param port port number
 */
public record Endpoint(String host, int port) {
  /**
   * Parses an endpoint; a bare host or address gets {@code defaultPort}.
   *
   * @throws IllegalArgumentException naming the text when it cannot be parsed
   */
  public static Endpoint parse(String text, int defaultPort) {
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("'" + text + "' lacks the closing ]");
      }
      String rest = text.substring(close + 1);
      int port = rest.isEmpty() ? defaultPort : port(text, rest.substring(1));
      return new Endpoint(text.substring(1, close), port);
    }
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      return new Endpoint(text, defaultPort);
    }
    if (text.indexOf(':') != colon) {
      return new Endpoint(text, defaultPort); // a bare IPv6 address
    }
    return new Endpoint(text.substring(0, colon), port(text, text.substring(colon + 1)));
  }

  /** Parses {@code host:port}; the port is required. */
  public static Endpoint parse(String text) {
    Endpoint e = parse(text, -1);
    if (e.port < 0) {
      throw new IllegalArgumentException("'" + text + "' has no port");
    }
    return e;
  }

  private static int port(String text, String port) {
    try {
      int p = Integer.parseInt(port);
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException("'" + text + "' has a port outside 1..65535");
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has no numeric port", e);
    }
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
