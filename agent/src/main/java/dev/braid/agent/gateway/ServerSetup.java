package dev.braid.agent.gateway;

import dev.braid.agent.openvpn.keys.AeadCipher;
import dev.braid.agent.openvpn.push.AddressPool;
import dev.braid.agent.openvpn.session.ServerConfig;
import dev.braid.agent.openvpn.tls.TlsServerContext;
import dev.braid.agent.openvpn.tlswrap.ControlWrap;
import dev.braid.agent.openvpn.tlswrap.KeyDirection;
import dev.braid.agent.openvpn.tlswrap.StaticKey;
import dev.braid.agent.openvpn.tlswrap.TlsAuth;
import dev.braid.agent.openvpn.tlswrap.TlsCrypt;
import dev.braid.api.config.AgentConfig;
import dev.braid.api.v1alpha1.DnsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the agent config document into the server's protocol settings: reads the PKI and the
 * control-channel key from the files it names (relative paths resolve against the working
 * directory, as the control side's checks do) and maps ciphers, keepalive, pool, pushed routes and
 * DNS.
 *
 * @param server the protocol settings
 * @param pool the tunnel pool, IPv4 and optionally IPv6 (the gateway takes the first addresses)
 */
public record ServerSetup(ServerConfig server, AddressPool pool) {
  /**
   * @param config a validated config document
   * @throws IOException when a named file cannot be read (the message names the field and path)
   * @throws GeneralSecurityException when the certificates, key or CRL do not parse
   */
  public static ServerSetup from(AgentConfig config) throws IOException, GeneralSecurityException {
    AgentConfig.Tls tls = config.tls();
    if (tls == null) {
      throw new IOException("tls: missing (certificate, key and CA files are required)");
    }
    TlsServerContext context =
        TlsServerContext.fromPem(
            read("tls.certFile", tls.certFile()),
            read("tls.keyFile", tls.keyFile()),
            read("tls.caFile", tls.caFile()),
            tls.crlFile() == null ? "" : read("tls.crlFile", tls.crlFile()),
            tls.minVersion());
    List<AeadCipher> ciphers = new ArrayList<>();
    for (var c : config.ciphers()) {
      ciphers.add(AeadCipher.valueOf(c.name()));
    }
    List<String> push = new ArrayList<>();
    for (String route : config.routes()) {
      push.add(routeOption(route));
    }
    push.addAll(dnsOptions(config.dns()));
    if (config.pools() == null || config.pools().ipv4() == null) {
      throw new IOException("pools.ipv4: missing (the gateway needs an IPv4 tunnel pool)");
    }
    ServerConfig server =
        ServerConfig.builder(wrap(tls), context)
            .ciphers(ciphers)
            .ping(Duration.ofSeconds(config.keepaliveIntervalSecondsOrDefault()))
            .pingRestart(Duration.ofSeconds(config.keepaliveTimeoutSecondsOrDefault()))
            .extraPush(push)
            .renegotiate(Duration.ofSeconds(config.renegotiateSeconds()))
            .clientReceiveBuffer(config.clientReceiveBufferOrDefault())
            .multipath(MultipathSetup.from(config.multipath()))
            .build();
    return new ServerSetup(
        server,
        new AddressPool(config.pools().ipv4(), config.pools().ipv6(), config.fixedAddresses()));
  }

  private static ControlWrap wrap(AgentConfig.Tls tls) throws IOException {
    return switch (tls.controlChannel()) {
      case TLS_CRYPT -> new TlsCrypt(key(tls), KeyDirection.NORMAL);
      case TLS_AUTH ->
          new TlsAuth(
              key(tls),
              KeyDirection.NORMAL,
              TlsAuth.Digest.valueOf(tls.authDigestOrDefault().name()));
      case NONE -> ControlWrap.NONE;
    };
  }

  private static StaticKey key(AgentConfig.Tls tls) throws IOException {
    String file = tls.controlChannelKeyFile();
    try {
      return StaticKey.parse(read("tls.controlChannelKeyFile", file));
    } catch (IllegalArgumentException e) {
      throw new IOException("tls.controlChannelKeyFile " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * DNS servers (IPv4 or IPv6) and search domains as {@code dhcp-option DNS} and {@code dhcp-option
   * DOMAIN-SEARCH} push options; a stock 2.6 client keeps at most 10 search domains.
   */
  static List<String> dnsOptions(DnsSettings dns) {
    List<String> options = new ArrayList<>();
    if (dns != null && dns.servers != null) {
      dns.servers.forEach(server -> options.add("dhcp-option DNS " + server));
    }
    if (dns != null && dns.searchDomains != null) {
      dns.searchDomains.forEach(domain -> options.add("dhcp-option DOMAIN-SEARCH " + domain));
    }
    return options;
  }

  /** {@code 10.1.0.0/16} as {@code route 10.1.0.0 255.255.0.0}; IPv6 as {@code route-ipv6}. */
  static String routeOption(String cidr) {
    if (cidr.contains(":")) {
      return "route-ipv6 " + cidr;
    }
    String[] parts = cidr.split("/");
    int prefix = Integer.parseInt(parts[1]);
    int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
    return "route " + parts[0] + " " + AddressPool.toString(mask);
  }

  private static String read(String field, String file) throws IOException {
    if (file == null || file.isBlank()) {
      throw new IOException(field + ": missing");
    }
    Path path = Path.of(file);
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new IOException(field + ": cannot read " + path + ": " + e, e);
    }
  }
}
