package dev.braid.e2e.harness;

/**
 * Configurations for stock OpenVPN 2.6 clients and a stock reference server, from one set of
 * choices.
 */
public final class OpenVpnConfigs {
  /** How the control channel is wrapped, matching the gateway's {@code spec.tls.controlChannel}. */
  public enum ControlChannel {
    TLS_CRYPT,
    TLS_AUTH
  }

  private OpenVpnConfigs() {}

  /** A client of {@code host:port} over {@code proto} ({@code udp} or {@code tcp-client}). */
  public static String client(
      OpenSslPki pki,
      String name,
      String host,
      int port,
      String proto,
      ControlChannel cc,
      String ciphers) {
    return String.join(
        "\n",
        "client",
        "dev tun",
        "proto " + proto,
        "remote " + host + " " + port,
        "nobind",
        "ca " + pki.file("ca.crt"),
        "cert " + pki.file(name + ".crt"),
        "key " + pki.file(name + ".key"),
        "remote-cert-tls server",
        controlChannel(pki, cc, "1"),
        "data-ciphers " + ciphers,
        "connect-retry 1",
        "resolv-retry 0",
        proto.startsWith("udp") ? "explicit-exit-notify 1" : "",
        "verb 3",
        "");
  }

  /** A stock OpenVPN 2.6 server: the reference Braid is compared with. */
  public static String server(OpenSslPki pki, int port, String proto, ControlChannel cc) {
    return String.join(
        "\n",
        "mode server",
        "tls-server",
        "dev tun",
        "proto " + proto,
        "port " + port,
        "topology subnet",
        "server 10.8.0.0 255.255.255.0",
        "ca " + pki.file("ca.crt"),
        "cert " + pki.file("server.crt"),
        "key " + pki.file("server.key"),
        "dh none",
        controlChannel(pki, cc, "0"),
        "data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305",
        "keepalive 10 60",
        "verb 3",
        "");
  }

  private static String controlChannel(OpenSslPki pki, ControlChannel cc, String direction) {
    return switch (cc) {
      case TLS_CRYPT -> "tls-crypt " + pki.file("tc.key");
      case TLS_AUTH -> "tls-auth " + pki.file("ta.key") + " " + direction + "\nauth SHA256";
    };
  }
}
