package dev.braid.operator.model;

import dev.braid.api.config.AgentConfig;
import dev.braid.api.config.AgentConfigParser;
import dev.braid.api.config.ReloadScope;
import dev.braid.api.v1alpha1.ControlChannelProtection;
import dev.braid.api.v1alpha1.DataCipher;
import dev.braid.api.v1alpha1.GatewayMode;
import dev.braid.api.v1alpha1.Keepalive;
import dev.braid.api.v1alpha1.Transport;
import dev.braid.api.v1alpha1.VPNClient;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.api.v1alpha1.VPNGatewaySpec;
import dev.braid.operator.pki.GatewayPki;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Turns a VPNGateway spec into the agent config document. Defaults here mirror the CRD defaults so
 * that an object created without the API server's defaulting (tests, old objects) renders the same.
 */
public final class AgentConfigRenderer {
  /** Ciphers offered when the spec names none, in order of preference. */
  public static final List<DataCipher> DEFAULT_CIPHERS =
      List.of(DataCipher.AES_256_GCM, DataCipher.AES_128_GCM, DataCipher.CHACHA20_POLY1305);

  private AgentConfigRenderer() {}

  /** The document for every node of the gateway (the node name comes from the pod). */
  public static AgentConfig render(VPNGateway gateway) {
    return render(gateway, List.of());
  }

  /**
   * The document for every node of the gateway, with the fixed addresses ({@code spec.address}) of
   * those {@code clients} that belong to it.
   */
  public static AgentConfig render(VPNGateway gateway, Collection<VPNClient> clients) {
    VPNGatewaySpec spec = gateway.getSpec();
    AgentConfig c = new AgentConfig();
    c.gateway = new AgentConfig.GatewayRef();
    c.gateway.name = gateway.getMetadata().getName();
    c.gateway.namespace = gateway.getMetadata().getNamespace();
    c.gateway.uid = gateway.getMetadata().getUid();
    c.gateway.generation = gateway.getMetadata().getGeneration();
    c.mode = spec.mode == null ? GatewayMode.SERVER : spec.mode;
    c.listen.port = spec.port == null ? 1194 : spec.port;
    c.listen.transports =
        spec.transports == null ? List.of(Transport.UDP) : List.copyOf(spec.transports);
    c.workers = spec.workers;
    c.receiveHoldMicros = spec.receiveHoldMicros; // unset: the agent's default
    c.pools = new AgentConfig.Pools();
    if (spec.network != null) {
      c.pools.ipv4 = spec.network.ipv4;
      c.pools.ipv6 = spec.network.ipv6;
      c.pools.fixedAddresses = fixedAddresses(gateway, clients);
    }
    c.mtu = spec.mtu == null ? 1500 : spec.mtu;
    c.routes = spec.routes == null ? new ArrayList<>() : List.copyOf(spec.routes);
    c.nat = !Boolean.FALSE.equals(spec.nat);
    c.dns = spec.dns;
    c.tls = tls(spec);
    c.ciphers = ciphers(spec);
    c.keepalive = keepalive(spec.keepalive);
    c.renegotiateSeconds = spec.renegotiateSeconds == null ? 3600 : spec.renegotiateSeconds;
    c.duplicateCommonNames = Boolean.TRUE.equals(spec.duplicateCommonNames);
    c.clientReceiveBuffer = spec.clientReceiveBuffer; // unset: the agent's default
    c.site = spec.site;
    c.multipath = spec.multipath;
    c.control.httpPort = AgentPaths.controlPort(spec);
    return c;
  }

  /** The document as the YAML the ConfigMap holds. */
  public static String renderYaml(VPNGateway gateway, Collection<VPNClient> clients) {
    return AgentConfigParser.render(render(gateway, clients));
  }

  /**
   * Fixed addresses by certificate common name (the VPNClient's name, which its certificate
   * carries), sorted so that the document is stable; null if none. {@link FixedAddresses} leaves
   * out the unusable ones (their own status says why): one bad VPNClient must not make the whole
   * document invalid.
   */
  static Map<String, String> fixedAddresses(VPNGateway gateway, Collection<VPNClient> clients) {
    Map<String, String> fixed = FixedAddresses.allocate(gateway, clients).granted();
    return fixed.isEmpty() ? null : fixed;
  }

  /** Ciphers in the spec, or the defaults. */
  public static List<DataCipher> ciphers(VPNGatewaySpec spec) {
    return spec.ciphers == null || spec.ciphers.isEmpty()
        ? DEFAULT_CIPHERS
        : List.copyOf(spec.ciphers);
  }

  /** Control-channel protection in the spec, or tls-crypt. */
  public static ControlChannelProtection controlChannel(VPNGatewaySpec spec) {
    return spec.tls == null || spec.tls.controlChannel == null
        ? ControlChannelProtection.TLS_CRYPT
        : spec.tls.controlChannel;
  }

  /**
   * Hash of the settings an agent cannot change in place (sockets, TUN device, workers, receive
   * moderation, pools, uplinks). A change of it rolls the DaemonSet one node at a time; everything
   * else (routes, DNS, ciphers, keepalive, renegotiation, duplicate common names, CRL) the agents
   * reload without dropping sessions.
   */
  public static String restartHash(AgentConfig config) {
    return hash(AgentConfigParser.render(ReloadScope.restartRelevant(config)));
  }

  /** Short SHA-256 of text. */
  public static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static AgentConfig.Tls tls(VPNGatewaySpec spec) {
    AgentConfig.Tls tls = new AgentConfig.Tls();
    tls.caFile = AgentPaths.tls(GatewayPki.CA_CRT);
    tls.certFile = AgentPaths.tls(GatewayPki.TLS_CRT);
    tls.keyFile = AgentPaths.tls(GatewayPki.TLS_KEY);
    tls.controlChannel = controlChannel(spec);
    if (tls.controlChannel != ControlChannelProtection.NONE) {
      tls.controlChannelKeyFile = AgentPaths.tls(GatewayPki.TA_KEY);
    }
    if (spec.tls == null || spec.tls.secretName == null) {
      tls.crlFile = AgentPaths.tls(GatewayPki.CRL);
    }
    if (spec.tls != null) {
      tls.authDigest = spec.tls.authDigest;
      if (spec.tls.minVersion != null) {
        tls.minVersion = spec.tls.minVersion;
      }
    }
    return tls;
  }

  private static Keepalive keepalive(Keepalive spec) {
    Keepalive k = new Keepalive();
    k.intervalSeconds = spec == null || spec.intervalSeconds == null ? 10 : spec.intervalSeconds;
    k.timeoutSeconds = spec == null || spec.timeoutSeconds == null ? 60 : spec.timeoutSeconds;
    return k;
  }
}
