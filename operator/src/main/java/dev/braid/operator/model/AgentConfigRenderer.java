package dev.braid.operator.model;

import dev.braid.api.config.AgentConfig;
import dev.braid.api.config.AgentConfigParser;
import dev.braid.api.config.AgentDefaults;
import dev.braid.api.config.ReloadScope;
import dev.braid.api.v1alpha1.ControlChannelProtection;
import dev.braid.api.v1alpha1.DataCipher;
import dev.braid.api.v1alpha1.Keepalive;
import dev.braid.api.v1alpha1.VPNClient;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.api.v1alpha1.VPNGatewaySpec;
import dev.braid.operator.pki.GatewayPki;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Turns a VPNGateway spec into the agent config document. A setting the spec leaves unset takes its
 * default from {@link AgentDefaults}, the home the CRD's defaults come from too, so an object
 * created without the API server's defaulting (tests, old objects) renders the same.
 */
public final class AgentConfigRenderer {
  /** Ciphers offered when the spec names none, in order of preference. */
  public static final List<DataCipher> DEFAULT_CIPHERS = AgentDefaults.CIPHERS;

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
    return AgentConfig.builder()
        .gateway(
            new AgentConfig.GatewayRef(
                gateway.getMetadata().getName(),
                gateway.getMetadata().getNamespace(),
                gateway.getMetadata().getUid(),
                gateway.getMetadata().getGeneration()))
        .mode(spec.mode)
        .listen(
            new AgentConfig.Listen(
                spec.port, spec.transports == null ? null : List.copyOf(spec.transports)))
        .workers(spec.workers)
        .receiveHoldMicros(spec.receiveHoldMicros) // unset: the agent's default
        .pools(
            spec.network == null
                ? new AgentConfig.Pools(null, null, null)
                : new AgentConfig.Pools(
                    spec.network.ipv4, spec.network.ipv6, fixedAddresses(gateway, clients)))
        .mtu(spec.mtu)
        .routes(spec.routes)
        .nat(spec.nat) // the CRD defaults it to true; unset means the agent's default
        .dns(spec.dns)
        .tls(tls(spec))
        .ciphers(ciphers(spec))
        .keepalive(keepalive(spec.keepalive))
        .renegotiateSeconds(spec.renegotiateSeconds)
        .duplicateCommonNames(Boolean.TRUE.equals(spec.duplicateCommonNames))
        .clientReceiveBuffer(spec.clientReceiveBuffer) // unset: the agent's default
        .site(spec.site)
        .multipath(spec.multipath)
        .control(new AgentConfig.Control(AgentPaths.controlPort(spec), null))
        .build();
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

  /** Control-channel protection in the spec, or the default (tls-crypt). */
  public static ControlChannelProtection controlChannel(VPNGatewaySpec spec) {
    return spec.tls == null || spec.tls.controlChannel == null
        ? AgentDefaults.CONTROL_CHANNEL
        : spec.tls.controlChannel;
  }

  /**
   * Hash of the settings an agent cannot change in place (sockets, TUN device, workers, receive
   * moderation, pools, uplinks). A change of it rolls the DaemonSet one node at a time; everything
   * else (routes, DNS, ciphers, keepalive, renegotiation, duplicate common names, CRL) the agents
   * reload without dropping sessions.
   */
  public static String restartHash(AgentConfig config) {
    return hash(ReloadScope.restartRelevantText(config));
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
    ControlChannelProtection controlChannel = controlChannel(spec);
    return AgentConfig.Tls.builder()
        .caFile(AgentPaths.tls(GatewayPki.CA_CRT))
        .certFile(AgentPaths.tls(GatewayPki.TLS_CRT))
        .keyFile(AgentPaths.tls(GatewayPki.TLS_KEY))
        .controlChannel(controlChannel)
        .controlChannelKeyFile(
            controlChannel == ControlChannelProtection.NONE
                ? null
                : AgentPaths.tls(GatewayPki.TA_KEY))
        .crlFile(
            spec.tls == null || spec.tls.secretName == null ? AgentPaths.tls(GatewayPki.CRL) : null)
        .authDigest(spec.tls == null ? null : spec.tls.authDigest)
        .minVersion(spec.tls == null ? null : spec.tls.minVersion)
        .build();
  }

  private static Keepalive keepalive(Keepalive spec) {
    Keepalive k = new Keepalive();
    k.intervalSeconds =
        spec == null || spec.intervalSeconds == null
            ? AgentDefaults.KEEPALIVE_INTERVAL_SECONDS
            : spec.intervalSeconds;
    k.timeoutSeconds =
        spec == null || spec.timeoutSeconds == null
            ? AgentDefaults.KEEPALIVE_TIMEOUT_SECONDS
            : spec.timeoutSeconds;
    return k;
  }
}
