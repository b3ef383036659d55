package dev.braid.api.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.braid.api.v1alpha1.ControlChannelProtection;
import dev.braid.api.v1alpha1.GatewayMode;
import dev.braid.api.v1alpha1.HubPeer;
import dev.braid.api.v1alpha1.Uplink;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one reader (and writer) of {@link AgentConfig} documents. {@link #parse} refuses unknown
 * fields and checks every rule the agent relies on, collecting all problems with their field paths
 * instead of stopping at the first.
 */
public final class AgentConfigParser {
  /** Name of the document inside the agent ConfigMap and on disk. */
  public static final String FILE_NAME = "agent.yaml";

  private static final ObjectMapper YAML =
      new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  /**
   * Shortest renegotiation interval an agent accepts: a handshake per key must fit well inside it.
   * The VPNGateway CRD asks for at least 60 s; a standalone agent (and its tests) may go lower.
   */
  static final int MIN_RENEGOTIATE_SECONDS = 5;

  private AgentConfigParser() {}

  /**
   * Reads and validates a document.
   *
   * @param text YAML (or JSON) text
   * @param source where it came from, for messages (a file path or ConfigMap name)
   * @throws InvalidConfigException listing every problem with its field path
   */
  public static AgentConfig parse(String text, String source) throws InvalidConfigException {
    AgentConfig config;
    try {
      config = YAML.readValue(text, AgentConfig.class);
    } catch (JsonMappingException e) {
      throw new InvalidConfigException(
          source, List.of(new ConfigProblem(pathOf(e), e.getOriginalMessage())));
    } catch (JsonProcessingException e) {
      throw new InvalidConfigException(
          source, List.of(new ConfigProblem("(document)", e.getOriginalMessage())));
    }
    if (config == null) {
      throw new InvalidConfigException(
          source, List.of(new ConfigProblem("(document)", "the document is empty")));
    }
    List<ConfigProblem> problems = validate(config);
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(source, problems);
    }
    return config;
  }

  /** Writes a document in the canonical form the operator stores in the ConfigMap. */
  public static String render(AgentConfig config) {
    try {
      return YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an AgentConfig could not be written as YAML", e);
    }
  }

  /** Writes a document's tree (or part of one) in the canonical form. */
  static String render(JsonNode tree) {
    try {
      return YAML.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a config tree could not be written as YAML", e);
    }
  }

  /** The mapper behind the canonical form, for trees of it. */
  static ObjectMapper mapper() {
    return YAML;
  }

  /** Every rule the agent relies on; empty when the document is usable. */
  public static List<ConfigProblem> validate(AgentConfig c) {
    Checks k = new Checks();
    if (k.present("gateway", c.gateway())) {
      k.name("gateway.name", c.gateway().name());
      if (c.gateway().namespace() != null) {
        k.name("gateway.namespace", c.gateway().namespace());
      }
    }
    k.present("mode", c.mode());
    if (k.present("listen", c.listen())) {
      k.range("listen.port", c.listen().port(), 1, 65535);
      if (k.present("listen.transports", c.listen().transports())) {
        if (c.listen().transports().isEmpty()) {
          k.add("listen.transports", "must name UDP, TCP or both");
        } else if (new HashSet<>(c.listen().transports()).size()
            != c.listen().transports().size()) {
          k.add("listen.transports", "names a transport twice");
        }
      }
    }
    if (c.workers() != null) {
      k.range("workers", c.workers(), 1, 1024);
    }
    if (c.receiveHoldMicros() != null) {
      k.range("receiveHoldMicros", c.receiveHoldMicros(), 0, 10_000);
    }
    if (c.clientReceiveBuffer() != null) {
      k.range("clientReceiveBuffer", c.clientReceiveBuffer(), 0, 64 << 20);
    }
    if (k.present("pools", c.pools())) {
      Cidr v4 = k.cidr("pools.ipv4", c.pools().ipv4(), true, 30);
      Cidr v6 =
          c.pools().ipv6() == null ? null : k.cidr("pools.ipv6", c.pools().ipv6(), false, 124);
      checkRoutes(k, c.routes(), v4, v6);
      checkFixedAddresses(k, c.pools().fixedAddresses(), v4);
    }
    k.range("mtu", c.mtu(), 576, 9000);
    if (c.dns() != null && c.dns().servers != null) {
      for (int i = 0; i < c.dns().servers.size(); i++) {
        k.address("dns.servers[" + i + "]", c.dns().servers.get(i));
      }
    }
    checkTls(k, c.tls());
    if (k.present("ciphers", c.ciphers()) && c.ciphers().isEmpty()) {
      k.add("ciphers", "must name at least one cipher, such as AES-256-GCM");
    }
    if (c.keepalive() != null) {
      k.range("keepalive.intervalSeconds", c.keepalive().intervalSeconds, 1, 3600);
      k.range("keepalive.timeoutSeconds", c.keepalive().timeoutSeconds, 2, 86400);
      if (c.keepalive().intervalSeconds != null
          && c.keepalive().timeoutSeconds != null
          && c.keepalive().timeoutSeconds < 2 * c.keepalive().intervalSeconds) {
        k.add("keepalive.timeoutSeconds", "must be at least twice keepalive.intervalSeconds");
      }
    }
    if (k.present("renegotiateSeconds", c.renegotiateSeconds())
        && c.renegotiateSeconds() != 0
        && c.renegotiateSeconds() < MIN_RENEGOTIATE_SECONDS) {
      k.add("renegotiateSeconds", "must be 0 (never) or at least " + MIN_RENEGOTIATE_SECONDS);
    }
    checkSite(k, c);
    checkMultipath(k, c);
    if (k.present("control", c.control())) {
      k.range("control.httpPort", c.control().httpPort(), 1, 65535);
      k.range("control.statusIntervalSeconds", c.control().statusIntervalSeconds(), 1, 3600);
      if (c.listen() != null
          && c.control().httpPort() != null
          && c.control().httpPort().equals(c.listen().port())) {
        k.add("control.httpPort", "must differ from listen.port " + c.listen().port());
      }
    }
    return k.problems;
  }

  private static void checkRoutes(Checks k, List<String> routes, Cidr v4, Cidr v6) {
    if (routes == null) {
      return;
    }
    for (int i = 0; i < routes.size(); i++) {
      String path = "routes[" + i + "]";
      try {
        Cidr route = Cidr.parse(routes.get(i));
        for (Cidr pool : new Cidr[] {v4, v6}) {
          if (pool != null && route.overlaps(pool)) {
            k.add(path, route + " overlaps the tunnel pool " + pool);
          }
        }
      } catch (IllegalArgumentException e) {
        k.add(path, e.getMessage());
      }
    }
  }

  private static void checkFixedAddresses(Checks k, Map<String, String> fixed, Cidr pool) {
    if (fixed == null) {
      return;
    }
    Map<String, String> byAddress = new HashMap<>();
    for (Map.Entry<String, String> e : fixed.entrySet()) {
      String path = "pools.fixedAddresses." + e.getKey();
      if (e.getKey().isBlank()) {
        k.add("pools.fixedAddresses", "a common name is empty");
        continue;
      }
      try {
        InetAddress address = Cidr.parseAddress(e.getValue());
        if (!(address instanceof Inet4Address)) {
          k.add(path, e.getValue() + " is not an IPv4 address");
        } else if (pool != null && !pool.isClientAddress(address)) {
          k.add(path, e.getValue() + " is not a client address of the pool " + pool);
        } else {
          String other = byAddress.putIfAbsent(address.getHostAddress(), e.getKey());
          if (other != null) {
            k.add(path, e.getValue() + " is also fixed for " + other);
          }
        }
      } catch (IllegalArgumentException ex) {
        k.add(path, ex.getMessage());
      }
    }
  }

  private static void checkTls(Checks k, AgentConfig.Tls tls) {
    if (!k.present("tls", tls)) {
      return;
    }
    k.text("tls.caFile", tls.caFile());
    k.text("tls.certFile", tls.certFile());
    k.text("tls.keyFile", tls.keyFile());
    if (k.present("tls.controlChannel", tls.controlChannel())
        && tls.controlChannel() != ControlChannelProtection.NONE) {
      k.text("tls.controlChannelKeyFile", tls.controlChannelKeyFile());
    }
    if (tls.authDigest() != null && tls.controlChannel() != ControlChannelProtection.TLS_AUTH) {
      k.add("tls.authDigest", "applies only when tls.controlChannel is tls-auth");
    }
    if (!"1.2".equals(tls.minVersion()) && !"1.3".equals(tls.minVersion())) {
      k.add("tls.minVersion", "must be 1.2 or 1.3, not " + tls.minVersion());
    }
  }

  private static void checkSite(Checks k, AgentConfig c) {
    if (c.mode() == GatewayMode.SITE) {
      if (c.site() == null || c.site().hubs == null || c.site().hubs.isEmpty()) {
        k.add("site.hubs", "must name at least one hub when mode is site");
        return;
      }
      for (int i = 0; i < c.site().hubs.size(); i++) {
        HubPeer hub = c.site().hubs.get(i);
        k.name("site.hubs[" + i + "].name", hub.name);
        if (hub.endpoints == null || hub.endpoints.isEmpty()) {
          k.add("site.hubs[" + i + "].endpoints", "must hold at least one host:port");
        } else {
          for (int j = 0; j < hub.endpoints.size(); j++) {
            k.endpoint("site.hubs[" + i + "].endpoints[" + j + "]", hub.endpoints.get(j));
          }
        }
      }
    } else if (c.site() != null) {
      k.add("site", "is only allowed when mode is site");
    }
  }

  private static void checkMultipath(Checks k, AgentConfig c) {
    if (c.multipath() == null) {
      return;
    }
    if (c.multipath().probeIntervalMillis != null) {
      k.range("multipath.probeIntervalMillis", c.multipath().probeIntervalMillis, 10, 60_000);
    }
    if (c.multipath().reorder != null && c.multipath().reorder.maxHoldMillis != null) {
      k.range("multipath.reorder.maxHoldMillis", c.multipath().reorder.maxHoldMillis, 1, 10_000);
    }
    if (c.multipath().uplinks == null) {
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < c.multipath().uplinks.size(); i++) {
      Uplink u = c.multipath().uplinks.get(i);
      String path = "multipath.uplinks[" + i + "]";
      if (k.name(path + ".name", u.name) && !names.add(u.name)) {
        k.add(path + ".name", "repeats uplink name " + u.name);
      }
      if (u.interfaceName == null && u.address == null) {
        k.add(path, "needs interfaceName or address");
      }
      if (u.address != null) {
        k.address(path + ".address", u.address);
      }
      if (u.weight != null) {
        k.range(path + ".weight", u.weight, 1, 100);
      }
    }
  }

  private static String pathOf(JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining());
    return path.isEmpty() ? "(document)" : path.startsWith(".") ? path.substring(1) : path;
  }

  /** Collects problems; each check returns whether the value passed. */
  private static final class Checks {
    private static final java.util.regex.Pattern DNS_LABEL =
        java.util.regex.Pattern.compile("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$");
    private static final java.util.regex.Pattern ENDPOINT =
        java.util.regex.Pattern.compile("^([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]):([0-9]{1,5})$");

    final List<ConfigProblem> problems = new ArrayList<>();

    void add(String path, String message) {
      problems.add(new ConfigProblem(path, message));
    }

    boolean present(String path, Object value) {
      if (value == null) {
        add(path, "is required");
        return false;
      }
      return true;
    }

    boolean text(String path, String value) {
      if (value == null || value.isBlank()) {
        add(path, "is required");
        return false;
      }
      return true;
    }

    boolean name(String path, String value) {
      if (!text(path, value)) {
        return false;
      }
      if (!DNS_LABEL.matcher(value).matches()) {
        add(path, "'" + value + "' is not a lower-case DNS name");
        return false;
      }
      return true;
    }

    void range(String path, Integer value, int min, int max) {
      if (present(path, value) && (value < min || value > max)) {
        add(path, value + " is outside " + min + ".." + max);
      }
    }

    void address(String path, String value) {
      try {
        Cidr.parseAddress(value);
      } catch (IllegalArgumentException e) {
        add(path, e.getMessage());
      }
    }

    void endpoint(String path, String value) {
      var m = value == null ? null : ENDPOINT.matcher(value);
      if (m == null || !m.matches() || Integer.parseInt(m.group(2)) > 65535) {
        add(path, "'" + value + "' is not host:port or [ipv6]:port");
      }
    }

    Cidr cidr(String path, String value, boolean ipv4, int longestPrefix) {
      if (!text(path, value)) {
        return null;
      }
      try {
        Cidr cidr = Cidr.parse(value);
        if (cidr.isIpv4() != ipv4) {
          add(path, value + " is not an " + (ipv4 ? "IPv4" : "IPv6") + " network");
          return null;
        }
        if (cidr.prefixLength() > longestPrefix) {
          add(path, value + " leaves no room for clients (prefix /" + longestPrefix + " at most)");
          return null;
        }
        return cidr;
      } catch (IllegalArgumentException e) {
        add(path, e.getMessage());
        return null;
      }
    }
  }
}
