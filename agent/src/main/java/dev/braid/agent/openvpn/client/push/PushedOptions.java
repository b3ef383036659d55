package dev.braid.agent.openvpn.client.push;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The options a server pushed, typed. Options this class does not model stay in {@link #unknown()}
 * verbatim, and {@link #all()} keeps every option as received, in order.
 *
 * @param all every pushed option, verbatim, in order
 * @param topology tunnel address layout ({@link Topology#NET30} when not pushed)
 * @param ifconfig IPv4 tunnel address
 * @param ifconfig6 IPv6 tunnel address
 * @param routeGateway next hop for routes without their own ({@code route-gateway}); may be {@code
 *     dhcp}
 * @param routes IPv4 routes
 * @param routes6 IPv6 routes
 * @param peerId DATA_V2 peer id
 * @param cipher the data-channel cipher the server chose (OpenVPN name)
 * @param ping seconds of send silence after which a keepalive ping goes out
 * @param pingRestart seconds of receive silence after which the session is dead
 * @param rcvbuf socket receive buffer to use, bytes
 * @param sndbuf socket send buffer to use, bytes
 * @param tunMtu MTU of the tunnel device
 * @param dnsServers DNS servers ({@code dhcp-option DNS/DNS6} and {@code dns server n address})
 * @param searchDomains DNS search domains ({@code dhcp-option DOMAIN/DOMAIN-SEARCH}, {@code dns
 *     search-domains})
 * @param redirectGateway {@code redirect-gateway} or {@code redirect-private}
 * @param protocolFlags {@code protocol-flags} (and {@code key-derivation tls-ekm} as {@code
 *     tls-ekm})
 * @param compression a pushed {@code compress} or {@code comp-lzo} option, verbatim
 * @param multipath Braid's {@code braid-multipath} offer
 * @param unknown options not modelled here, verbatim
 */
public record PushedOptions(
    List<String> all,
    Topology topology,
    Optional<Ifconfig> ifconfig,
    Optional<Ifconfig6> ifconfig6,
    Optional<String> routeGateway,
    List<Route> routes,
    List<Route6> routes6,
    OptionalInt peerId,
    Optional<String> cipher,
    OptionalInt ping,
    OptionalInt pingRestart,
    OptionalInt rcvbuf,
    OptionalInt sndbuf,
    OptionalInt tunMtu,
    List<String> dnsServers,
    List<String> searchDomains,
    Optional<RedirectGateway> redirectGateway,
    Set<String> protocolFlags,
    Optional<String> compression,
    Optional<MultipathOffer> multipath,
    List<String> unknown) {

  public PushedOptions {
    all = List.copyOf(all);
    routes = List.copyOf(routes);
    routes6 = List.copyOf(routes6);
    dnsServers = List.copyOf(dnsServers);
    searchDomains = List.copyOf(searchDomains);
    protocolFlags = Set.copyOf(protocolFlags);
    unknown = List.copyOf(unknown);
  }

  /** Whether the data keys come from TLS keying-material export ({@code tls-ekm}). */
  public boolean tlsKeyExport() {
    return protocolFlags.contains("tls-ekm");
  }

  /** Whether the server takes EXIT over the control channel ({@code cc-exit}). */
  public boolean controlChannelExit() {
    return protocolFlags.contains("cc-exit");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects options one at a time; the parser's scratch pad. */
  public static final class Builder {
    private final List<String> all = new ArrayList<>();
    private Topology topology = Topology.NET30;
    private Ifconfig ifconfig;
    private Ifconfig6 ifconfig6;
    private String routeGateway;
    private final List<Route> routes = new ArrayList<>();
    private final List<Route6> routes6 = new ArrayList<>();
    private Integer peerId;
    private String cipher;
    private Integer ping;
    private Integer pingRestart;
    private Integer rcvbuf;
    private Integer sndbuf;
    private Integer tunMtu;
    private final List<String> dnsServers = new ArrayList<>();
    private final List<String> searchDomains = new ArrayList<>();
    private RedirectGateway redirectGateway;
    private final Set<String> protocolFlags = new LinkedHashSet<>();
    private String compression;
    private MultipathOffer multipath;
    private final List<String> unknown = new ArrayList<>();

    private Builder() {}

    public Builder option(String raw) {
      all.add(raw);
      return this;
    }

    public Builder topology(Topology t) {
      topology = t;
      return this;
    }

    public Builder ifconfig(Ifconfig i) {
      ifconfig = i;
      return this;
    }

    public Builder ifconfig6(Ifconfig6 i) {
      ifconfig6 = i;
      return this;
    }

    public Builder routeGateway(String g) {
      routeGateway = g;
      return this;
    }

    public Builder route(Route r) {
      routes.add(r);
      return this;
    }

    public Builder route6(Route6 r) {
      routes6.add(r);
      return this;
    }

    public Builder peerId(int id) {
      peerId = id;
      return this;
    }

    public Builder cipher(String c) {
      cipher = c;
      return this;
    }

    public Builder ping(int seconds) {
      ping = seconds;
      return this;
    }

    public Builder pingRestart(int seconds) {
      pingRestart = seconds;
      return this;
    }

    public Builder rcvbuf(int bytes) {
      rcvbuf = bytes;
      return this;
    }

    public Builder sndbuf(int bytes) {
      sndbuf = bytes;
      return this;
    }

    public Builder tunMtu(int mtu) {
      tunMtu = mtu;
      return this;
    }

    public Builder dnsServer(String address) {
      dnsServers.add(address);
      return this;
    }

    public Builder searchDomain(String domain) {
      searchDomains.add(domain);
      return this;
    }

    public Builder redirectGateway(RedirectGateway r) {
      redirectGateway = r;
      return this;
    }

    public Builder protocolFlag(String flag) {
      protocolFlags.add(flag);
      return this;
    }

    public Builder compression(String option) {
      compression = option;
      return this;
    }

    public Builder multipath(MultipathOffer offer) {
      multipath = offer;
      return this;
    }

    public Builder unknown(String raw) {
      unknown.add(raw);
      return this;
    }

    public PushedOptions build() {
      return new PushedOptions(
          all,
          topology,
          Optional.ofNullable(ifconfig),
          Optional.ofNullable(ifconfig6),
          Optional.ofNullable(routeGateway),
          routes,
          routes6,
          peerId == null ? OptionalInt.empty() : OptionalInt.of(peerId),
          Optional.ofNullable(cipher),
          optional(ping),
          optional(pingRestart),
          optional(rcvbuf),
          optional(sndbuf),
          optional(tunMtu),
          dnsServers,
          searchDomains,
          Optional.ofNullable(redirectGateway),
          protocolFlags,
          Optional.ofNullable(compression),
          Optional.ofNullable(multipath),
          unknown);
    }

    private static OptionalInt optional(Integer v) {
      return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }
  }
}
