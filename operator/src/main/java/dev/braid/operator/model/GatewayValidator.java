package dev.braid.operator.model;

import dev.braid.api.config.AgentConfigParser;
import dev.braid.api.config.Cidr;
import dev.braid.api.config.ConfigProblem;
import dev.braid.api.v1alpha1.ControlChannelProtection;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.api.v1alpha1.VPNGatewaySpec;
import dev.braid.operator.pki.GatewayPki;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rules the CRD cannot express because they involve other objects or several fields at once: tunnel
 * pools that collide with routes or with another gateway, two gateways on the same host port of the
 * same nodes, and a referenced TLS Secret that is missing or has the wrong keys.
 */
public final class GatewayValidator {
  private static final Set<String> REQUIRED_KEYS =
      Set.of(GatewayPki.CA_CRT, GatewayPki.TLS_CRT, GatewayPki.TLS_KEY);
  private static final Set<String> KNOWN_KEYS =
      Set.of(
          GatewayPki.CA_CRT,
          GatewayPki.CA_KEY,
          GatewayPki.TLS_CRT,
          GatewayPki.TLS_KEY,
          GatewayPki.TA_KEY,
          GatewayPki.CRL);

  private GatewayValidator() {}

  /**
   * Every problem of a gateway, in field order.
   *
   * @param others gateways in the same namespace (may include {@code gateway} itself)
   * @param tlsSecretKeys keys of the Secret named by {@code spec.tls.secretName}; empty Optional
   *     when that Secret does not exist; ignored when the spec names none
   */
  public static List<SpecProblem> validate(
      VPNGateway gateway, Collection<VPNGateway> others, Optional<Set<String>> tlsSecretKeys) {
    List<SpecProblem> problems = new ArrayList<>();
    VPNGatewaySpec spec = gateway.getSpec();
    Cidr v4 = parse(spec.network == null ? null : spec.network.ipv4);
    Cidr v6 = parse(spec.network == null ? null : spec.network.ipv6);
    for (VPNGateway other : earlier(gateway, others)) {
      checkAgainst(problems, spec, v4, v6, other);
    }
    if (spec.routes != null) {
      for (int i = 0; i < spec.routes.size(); i++) {
        Cidr route = parse(spec.routes.get(i));
        for (Cidr pool : new Cidr[] {v4, v6}) {
          if (route != null && pool != null && route.overlaps(pool)) {
            problems.add(
                new SpecProblem(
                    "spec.routes[" + i + "]",
                    "RouteOverlapsPool",
                    route
                        + " overlaps the tunnel pool "
                        + pool
                        + "; clients would route their own tunnel addresses into the tunnel."
                        + " Remove the route or move the pool"));
          }
        }
      }
    }
    if (spec.tls != null && spec.tls.secretName != null) {
      checkSecret(problems, spec, tlsSecretKeys);
    }
    if (problems.isEmpty()) {
      for (ConfigProblem p : AgentConfigParser.validate(AgentConfigRenderer.render(gateway))) {
        problems.add(new SpecProblem("spec", "ConfigInvalid", "agent config " + p));
      }
    }
    return problems;
  }

  private static void checkAgainst(
      List<SpecProblem> problems, VPNGatewaySpec spec, Cidr v4, Cidr v6, VPNGateway other) {
    String otherName = other.getMetadata().getName();
    VPNGatewaySpec o = other.getSpec();
    Cidr ov4 = parse(o.network == null ? null : o.network.ipv4);
    Cidr ov6 = parse(o.network == null ? null : o.network.ipv6);
    if (v4 != null && ov4 != null && v4.overlaps(ov4)) {
      problems.add(
          new SpecProblem(
              "spec.network.ipv4",
              "PoolOverlap",
              v4
                  + " overlaps "
                  + ov4
                  + " of VPNGateway "
                  + otherName
                  + "; choose a disjoint pool"));
    }
    if (v6 != null && ov6 != null && v6.overlaps(ov6)) {
      problems.add(
          new SpecProblem(
              "spec.network.ipv6",
              "PoolOverlap",
              v6
                  + " overlaps "
                  + ov6
                  + " of VPNGateway "
                  + otherName
                  + "; choose a disjoint pool"));
    }
    if (port(spec) == port(o) && selectorsMayShareNode(spec.nodeSelector, o.nodeSelector)) {
      problems.add(
          new SpecProblem(
              "spec.port",
              "PortConflict",
              "port "
                  + port(spec)
                  + " is already used by VPNGateway "
                  + otherName
                  + " on nodes this gateway may also select; choose another port or disjoint"
                  + " nodeSelectors"));
    }
  }

  private static void checkSecret(
      List<SpecProblem> problems, VPNGatewaySpec spec, Optional<Set<String>> keys) {
    String name = spec.tls.secretName;
    if (keys.isEmpty()) {
      problems.add(
          new SpecProblem(
              "spec.tls.secretName",
              "SecretNotFound",
              "Secret "
                  + name
                  + " does not exist in this namespace; create it or unset the field"
                  + " to let the operator generate the PKI"));
      return;
    }
    Set<String> required = new TreeSet<>(REQUIRED_KEYS);
    if (spec.tls.controlChannel != ControlChannelProtection.NONE) {
      required.add(GatewayPki.TA_KEY);
    }
    Set<String> missing = new TreeSet<>(required);
    missing.removeAll(keys.get());
    Set<String> unknown = new TreeSet<>(keys.get());
    unknown.removeAll(KNOWN_KEYS);
    if (!missing.isEmpty() || !unknown.isEmpty()) {
      StringBuilder m = new StringBuilder("Secret ").append(name);
      if (!missing.isEmpty()) {
        m.append(" lacks keys ").append(missing);
      }
      if (!unknown.isEmpty()) {
        m.append(missing.isEmpty() ? " has" : " and has").append(" unknown keys ").append(unknown);
      }
      m.append("; expected ").append(required).append(", optionally ca.key and crl.pem");
      problems.add(new SpecProblem("spec.tls.secretName", "SecretKeysInvalid", m.toString()));
    }
  }

  /** Gateways created before this one: a conflict is the newcomer's problem. */
  private static List<VPNGateway> earlier(VPNGateway gateway, Collection<VPNGateway> others) {
    Comparator<VPNGateway> order =
        Comparator.comparing(
                (VPNGateway g) ->
                    Optional.ofNullable(g.getMetadata().getCreationTimestamp()).orElse(""))
            .thenComparing(g -> g.getMetadata().getName());
    return others.stream()
        .filter(o -> !o.getMetadata().getName().equals(gateway.getMetadata().getName()))
        .filter(o -> o.getSpec() != null && order.compare(o, gateway) < 0)
        .sorted(order)
        .toList();
  }

  /** True unless some label is required with different values by the two selectors. */
  static boolean selectorsMayShareNode(Map<String, String> a, Map<String, String> b) {
    if (a == null || b == null) {
      return true;
    }
    return a.entrySet().stream()
        .noneMatch(e -> b.containsKey(e.getKey()) && !b.get(e.getKey()).equals(e.getValue()));
  }

  private static int port(VPNGatewaySpec spec) {
    return spec.port == null ? 1194 : spec.port;
  }

  private static Cidr parse(String cidr) {
    if (cidr == null) {
      return null;
    }
    try {
      return Cidr.parse(cidr);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
