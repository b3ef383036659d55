package dev.braid.agent.openvpn.client.push;

import dev.braid.agent.openvpn.client.profile.OptionTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns pushed options into {@link PushedOptions}. A known option with bad arguments is an error
 * (OpenVPN fails the push and reconnects); an option this parser does not model is kept verbatim in
 * {@link PushedOptions#unknown()}.
 */
public final class PushedOptionsParser {
  /** Options {@link PushReplyReader} consumes; not part of the result. */
  static final String CONTINUATION = "push-continuation";

  private PushedOptionsParser() {}

  /**
   * Parse outcome.
   *
   * @param options the typed options (every well-formed option is in it even when there are errors)
   * @param errors one line per malformed option, naming it; empty when all are well-formed
   */
  public record Result(PushedOptions options, List<String> errors) {
    public Result {
      errors = List.copyOf(errors);
    }

    public boolean ok() {
      return errors.isEmpty();
    }
  }

  /** Parses options as they appear between the commas of a PUSH_REPLY. */
  public static Result parse(List<String> rawOptions) {
    PushedOptions.Builder b = PushedOptions.builder();
    List<String> errors = new ArrayList<>();
    for (String raw : rawOptions) {
      String option = raw.strip();
      if (option.isEmpty()) {
        continue;
      }
      List<String> w;
      try {
        w = OptionTokenizer.tokenize(option);
      } catch (IllegalArgumentException e) {
        errors.add("'" + option + "': " + e.getMessage());
        continue;
      }
      if (w.isEmpty() || w.getFirst().equals(CONTINUATION)) {
        continue;
      }
      b.option(option);
      try {
        apply(b, w, option);
      } catch (IllegalArgumentException e) {
        errors.add("'" + option + "': " + e.getMessage());
      }
    }
    return new Result(b.build(), errors);
  }

  private static void apply(PushedOptions.Builder b, List<String> w, String raw) {
    String name = w.getFirst();
    switch (name) {
      case "topology" -> {
        args(w, 1, 1);
        b.topology(
            switch (w.get(1)) {
              case "net30" -> Topology.NET30;
              case "p2p" -> Topology.P2P;
              case "subnet" -> Topology.SUBNET;
              default ->
                  throw new IllegalArgumentException("topology must be net30, p2p or subnet");
            });
      }
      case "ifconfig" -> {
        args(w, 2, 2);
        b.ifconfig(new Ifconfig(w.get(1), w.get(2)));
      }
      case "ifconfig-ipv6" -> {
        args(w, 1, 2);
        String[] net = prefix(w.get(1), 128);
        b.ifconfig6(
            new Ifconfig6(net[0], Integer.parseInt(net[1]), w.size() > 2 ? w.get(2) : null));
      }
      case "route-gateway" -> {
        args(w, 1, 1);
        b.routeGateway(w.get(1));
      }
      case "route" -> {
        args(w, 1, 4);
        b.route(
            new Route(
                w.get(1),
                w.size() > 2 && !w.get(2).equals("default") ? w.get(2) : "255.255.255.255",
                w.size() > 3 && !w.get(3).equals("default") ? w.get(3) : null,
                w.size() > 4 ? number(w.get(4), 0, Integer.MAX_VALUE) : -1));
      }
      case "route-ipv6" -> {
        args(w, 1, 3);
        String[] net = prefix(w.get(1), 128);
        b.route6(
            new Route6(
                net[0],
                Integer.parseInt(net[1]),
                w.size() > 2 && !w.get(2).equals("default") ? w.get(2) : null,
                w.size() > 3 ? number(w.get(3), 0, Integer.MAX_VALUE) : -1));
      }
      case "peer-id" -> {
        args(w, 1, 1);
        b.peerId(number(w.get(1), 0, 0xFFFFFE));
      }
      case "cipher" -> {
        args(w, 1, 1);
        b.cipher(w.get(1));
      }
      case "ping" -> {
        args(w, 1, 1);
        b.ping(number(w.get(1), 0, 86_400 * 365));
      }
      case "ping-restart" -> {
        args(w, 1, 1);
        b.pingRestart(number(w.get(1), 0, 86_400 * 365));
      }
      case "keepalive" -> {
        args(w, 2, 2);
        b.ping(number(w.get(1), 0, 86_400 * 365));
        b.pingRestart(number(w.get(2), 0, 86_400 * 365));
      }
      case "rcvbuf" -> {
        args(w, 1, 1);
        b.rcvbuf(number(w.get(1), 0, Integer.MAX_VALUE));
      }
      case "sndbuf" -> {
        args(w, 1, 1);
        b.sndbuf(number(w.get(1), 0, Integer.MAX_VALUE));
      }
      case "tun-mtu" -> {
        args(w, 1, 1);
        b.tunMtu(number(w.get(1), 68, 65535));
      }
      case "dhcp-option" -> dhcpOption(b, w, raw);
      case "dns" -> dns(b, w, raw);
      case "redirect-gateway", "redirect-private" -> {
        Set<String> flags = new LinkedHashSet<>(w.subList(1, w.size()));
        b.redirectGateway(new RedirectGateway(name.equals("redirect-private"), flags));
      }
      case "protocol-flags" -> {
        args(w, 1, Integer.MAX_VALUE);
        w.subList(1, w.size()).forEach(b::protocolFlag);
      }
      case "key-derivation" -> {
        args(w, 1, 1);
        if (!w.get(1).equals("tls-ekm")) {
          throw new IllegalArgumentException("unknown key-derivation method " + w.get(1));
        }
        b.protocolFlag("tls-ekm");
      }
      case "compress", "comp-lzo" -> b.compression(raw);
      case "braid-multipath" -> {
        args(w, 1, Integer.MAX_VALUE);
        b.multipath(
            new MultipathOffer(number(w.get(1), 0, Integer.MAX_VALUE), w.subList(2, w.size())));
      }
      default -> b.unknown(raw);
    }
  }

  private static void dhcpOption(PushedOptions.Builder b, List<String> w, String raw) {
    args(w, 1, 2);
    switch (w.get(1)) {
      case "DNS", "DNS6" -> {
        args(w, 2, 2);
        b.dnsServer(w.get(2));
      }
      case "DOMAIN", "DOMAIN-SEARCH" -> {
        args(w, 2, 2);
        b.searchDomain(w.get(2));
      }
      default -> b.unknown(raw);
    }
  }

  /** OpenVPN 2.6's {@code dns} option: {@code dns server n address a [a...]}, search domains. */
  private static void dns(PushedOptions.Builder b, List<String> w, String raw) {
    args(w, 1, Integer.MAX_VALUE);
    if (w.get(1).equals("server") && w.size() >= 5 && w.get(3).equals("address")) {
      number(w.get(2), -128, 127);
      w.subList(4, w.size()).forEach(b::dnsServer);
    } else if (w.get(1).equals("search-domains")) {
      args(w, 2, Integer.MAX_VALUE);
      w.subList(2, w.size()).forEach(b::searchDomain);
    } else {
      b.unknown(raw);
    }
  }

  private static void args(List<String> w, int min, int max) {
    int n = w.size() - 1;
    if (n < min || n > max) {
      throw new IllegalArgumentException(
          min == max
              ? "needs " + min + " argument" + (min == 1 ? "" : "s") + ", has " + n
              : "needs "
                  + min
                  + ".."
                  + (max == Integer.MAX_VALUE ? "" : max)
                  + " arguments, has "
                  + n);
    }
  }

  private static int number(String s, int min, int max) {
    try {
      int v = Integer.parseInt(s);
      if (v < min || v > max) {
        throw new IllegalArgumentException(s + " is outside " + min + ".." + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + s + "' is not a number", e);
    }
  }

  /** {@code address/bits} split, with {@code defaultBits} when no length is given. */
  private static String[] prefix(String s, int defaultBits) {
    int slash = s.indexOf('/');
    if (slash < 0) {
      return new String[] {s, Integer.toString(defaultBits)};
    }
    int bits = number(s.substring(slash + 1), 0, 128);
    return new String[] {s.substring(0, slash), Integer.toString(bits)};
  }
}
