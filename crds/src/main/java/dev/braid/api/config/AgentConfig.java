package dev.braid.api.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.braid.api.v1alpha1.ControlChannelProtection;
import dev.braid.api.v1alpha1.DataCipher;
import dev.braid.api.v1alpha1.DnsSettings;
import dev.braid.api.v1alpha1.GatewayMode;
import dev.braid.api.v1alpha1.HmacDigest;
import dev.braid.api.v1alpha1.Keepalive;
import dev.braid.api.v1alpha1.MultipathSettings;
import dev.braid.api.v1alpha1.SiteSettings;
import dev.braid.api.v1alpha1.Transport;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one agent needs to run one gateway, immutable. Rendered by the operator (pod mode) or
 * written by hand (standalone mode); read only through {@link AgentConfigParser}; built in code
 * with {@link #builder()}. Every default comes from {@link AgentDefaults}: a setting the document
 * leaves out either takes its default when the config is constructed (it is then rendered
 * explicitly), or stays unset so that the agent's default applies, read through the {@code
 * ...OrDefault} accessors (the operator leaves those unset unless the spec sets them, so a changed
 * default never rolls the agents by itself).
 *
 * @param gateway the gateway this agent serves
 * @param node node name; unset in a rendered ConfigMap (one document serves every node), filled
 *     from {@code BRAID_NODE_NAME} in a pod
 * @param mode {@code server} or {@code site}
 * @param listen port and transports
 * @param workers data-plane workers; unset means one per CPU core
 * @param receiveHoldMicros receive moderation: while packets stream in, a worker waits this many
 *     microseconds before receiving, so that it handles them in larger batches (fewer wake-ups, TUN
 *     writes and ACKs per GiB); isolated packets are never delayed. 0 turns it off
 * @param udpSegmentation whether workers send consecutive same-size datagrams to one client as one
 *     UDP GSO message (the kernel cuts them apart at the device, or the NIC does); a kernel or
 *     device that refuses it turns it off by itself. False is for ruling it out when
 *     troubleshooting
 * @param pools tunnel address pools
 * @param mtu MTU of the tunnel device
 * @param routes networks pushed to clients (CIDR)
 * @param nat whether tunnel traffic leaving the node is masqueraded to the node's address on the
 *     outgoing interface (an nft table the agent owns and removes when it stops); false for routed
 *     setups. Applied live
 * @param dns DNS pushed to clients
 * @param tls certificate and key files, control-channel protection
 * @param ciphers data-channel ciphers in order of preference
 * @param keepalive ping interval and timeout
 * @param renegotiateSeconds seconds between data-key renegotiations; 0 disables them
 * @param duplicateCommonNames whether several sessions may use one client certificate common name
 *     at once (OpenVPN's {@code duplicate-cn}); false: a client that connects again replaces its
 *     older session
 * @param clientReceiveBuffer receive buffer in bytes that UDP clients are asked to give their
 *     tunnel socket (pushed as OpenVPN's {@code rcvbuf}; the client's kernel caps it at its {@code
 *     net.core.rmem_max}). A gateway sends faster than a single-threaded client drains, and the
 *     default 208 KiB buffer then overflows in bursts that the tunnelled TCP sees as loss. 0 pushes
 *     nothing. TCP clients never get it: it would switch off their kernel's autotuning
 * @param site hubs to connect to in {@code site} mode
 * @param multipath multipath scheduling and uplinks
 * @param control health, metrics and status publishing of the agent itself
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "gateway",
  "node",
  "mode",
  "listen",
  "workers",
  "receiveHoldMicros",
  "udpSegmentation",
  "pools",
  "mtu",
  "routes",
  "nat",
  "dns",
  "tls",
  "ciphers",
  "keepalive",
  "renegotiateSeconds",
  "duplicateCommonNames",
  "clientReceiveBuffer",
  "site",
  "multipath",
  "control"
})
public record AgentConfig(
    GatewayRef gateway,
    String node,
    GatewayMode mode,
    Listen listen,
    Integer workers,
    Integer receiveHoldMicros,
    Boolean udpSegmentation,
    Pools pools,
    Integer mtu,
    List<String> routes,
    Boolean nat,
    DnsSettings dns,
    Tls tls,
    List<DataCipher> ciphers,
    Keepalive keepalive,
    Integer renegotiateSeconds,
    Boolean duplicateCommonNames,
    Integer clientReceiveBuffer,
    SiteSettings site,
    MultipathSettings multipath,
    Control control) {

  /** Fills what the document leaves out with {@link AgentDefaults}; copies the lists. */
  public AgentConfig {
    mode = mode == null ? AgentDefaults.MODE : mode;
    listen = listen == null ? new Listen(null, null) : listen;
    mtu = mtu == null ? AgentDefaults.MTU : mtu;
    routes = routes == null ? List.of() : List.copyOf(routes);
    ciphers = ciphers == null ? AgentDefaults.CIPHERS : List.copyOf(ciphers);
    renegotiateSeconds =
        renegotiateSeconds == null ? AgentDefaults.RENEGOTIATE_SECONDS : renegotiateSeconds;
    control = control == null ? new Control(null, null) : control;
  }

  /** Workers to start: as set, or one per CPU core. */
  public int workersOrDefault() {
    return workers == null ? AgentDefaults.workers() : workers;
  }

  /** Receive moderation in microseconds: as set, or {@link AgentDefaults#RECEIVE_HOLD_MICROS}. */
  public int receiveHoldMicrosOrDefault() {
    return receiveHoldMicros == null ? AgentDefaults.RECEIVE_HOLD_MICROS : receiveHoldMicros;
  }

  /** Source translation of tunnel traffic: as set, or {@link AgentDefaults#NAT}. */
  public boolean natOrDefault() {
    return nat == null ? AgentDefaults.NAT : nat;
  }

  /** UDP GSO sends: as set, or {@link AgentDefaults#UDP_SEGMENTATION}. */
  public boolean udpSegmentationOrDefault() {
    return udpSegmentation == null ? AgentDefaults.UDP_SEGMENTATION : udpSegmentation;
  }

  /** OpenVPN's {@code duplicate-cn}: as set, or {@link AgentDefaults#DUPLICATE_COMMON_NAMES}. */
  public boolean duplicateCommonNamesOrDefault() {
    return duplicateCommonNames == null
        ? AgentDefaults.DUPLICATE_COMMON_NAMES
        : duplicateCommonNames;
  }

  /** The pushed {@code rcvbuf}: as set, or {@link AgentDefaults#CLIENT_RECEIVE_BUFFER}. */
  public int clientReceiveBufferOrDefault() {
    return clientReceiveBuffer == null ? AgentDefaults.CLIENT_RECEIVE_BUFFER : clientReceiveBuffer;
  }

  /** Ping interval: as set, or {@link AgentDefaults#KEEPALIVE_INTERVAL_SECONDS}. */
  public int keepaliveIntervalSecondsOrDefault() {
    return keepalive == null || keepalive.intervalSeconds == null
        ? AgentDefaults.KEEPALIVE_INTERVAL_SECONDS
        : keepalive.intervalSeconds;
  }

  /** Ping timeout: as set, or {@link AgentDefaults#KEEPALIVE_TIMEOUT_SECONDS}. */
  public int keepaliveTimeoutSecondsOrDefault() {
    return keepalive == null || keepalive.timeoutSeconds == null
        ? AgentDefaults.KEEPALIVE_TIMEOUT_SECONDS
        : keepalive.timeoutSeconds;
  }

  /** Fixed client addresses by common name, empty when none. */
  public Map<String, String> fixedAddresses() {
    return pools == null || pools.fixedAddresses() == null ? Map.of() : pools.fixedAddresses();
  }

  /** This config with {@code node} set. */
  public AgentConfig withNode(String node) {
    return toBuilder().node(node).build();
  }

  /** A builder with every default unset. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config's values. */
  public Builder toBuilder() {
    return new Builder()
        .gateway(gateway)
        .node(node)
        .mode(mode)
        .listen(listen)
        .workers(workers)
        .receiveHoldMicros(receiveHoldMicros)
        .udpSegmentation(udpSegmentation)
        .pools(pools)
        .mtu(mtu)
        .routes(routes)
        .nat(nat)
        .dns(dns)
        .tls(tls)
        .ciphers(ciphers)
        .keepalive(keepalive)
        .renegotiateSeconds(renegotiateSeconds)
        .duplicateCommonNames(duplicateCommonNames)
        .clientReceiveBuffer(clientReceiveBuffer)
        .site(site)
        .multipath(multipath)
        .control(control);
  }

  /** Named construction of an {@link AgentConfig}; what is not set takes its default. */
  public static final class Builder {
    private GatewayRef gateway;
    private String node;
    private GatewayMode mode;
    private Listen listen;
    private Integer workers;
    private Integer receiveHoldMicros;
    private Boolean udpSegmentation;
    private Pools pools;
    private Integer mtu;
    private List<String> routes;
    private Boolean nat;
    private DnsSettings dns;
    private Tls tls;
    private List<DataCipher> ciphers;
    private Keepalive keepalive;
    private Integer renegotiateSeconds;
    private Boolean duplicateCommonNames;
    private Integer clientReceiveBuffer;
    private SiteSettings site;
    private MultipathSettings multipath;
    private Control control;

    private Builder() {}

    public Builder gateway(GatewayRef value) {
      gateway = value;
      return this;
    }

    public Builder node(String value) {
      node = value;
      return this;
    }

    public Builder mode(GatewayMode value) {
      mode = value;
      return this;
    }

    public Builder listen(Listen value) {
      listen = value;
      return this;
    }

    public Builder workers(Integer value) {
      workers = value;
      return this;
    }

    public Builder receiveHoldMicros(Integer value) {
      receiveHoldMicros = value;
      return this;
    }

    public Builder udpSegmentation(Boolean value) {
      udpSegmentation = value;
      return this;
    }

    public Builder pools(Pools value) {
      pools = value;
      return this;
    }

    public Builder mtu(Integer value) {
      mtu = value;
      return this;
    }

    public Builder routes(List<String> value) {
      routes = value;
      return this;
    }

    public Builder nat(Boolean value) {
      nat = value;
      return this;
    }

    public Builder dns(DnsSettings value) {
      dns = value;
      return this;
    }

    public Builder tls(Tls value) {
      tls = value;
      return this;
    }

    public Builder ciphers(List<DataCipher> value) {
      ciphers = value;
      return this;
    }

    public Builder keepalive(Keepalive value) {
      keepalive = value;
      return this;
    }

    public Builder renegotiateSeconds(Integer value) {
      renegotiateSeconds = value;
      return this;
    }

    public Builder duplicateCommonNames(Boolean value) {
      duplicateCommonNames = value;
      return this;
    }

    public Builder clientReceiveBuffer(Integer value) {
      clientReceiveBuffer = value;
      return this;
    }

    public Builder site(SiteSettings value) {
      site = value;
      return this;
    }

    public Builder multipath(MultipathSettings value) {
      multipath = value;
      return this;
    }

    public Builder control(Control value) {
      control = value;
      return this;
    }

    public AgentConfig build() {
      return new AgentConfig(
          gateway,
          node,
          mode,
          listen,
          workers,
          receiveHoldMicros,
          udpSegmentation,
          pools,
          mtu,
          routes,
          nat,
          dns,
          tls,
          ciphers,
          keepalive,
          renegotiateSeconds,
          duplicateCommonNames,
          clientReceiveBuffer,
          site,
          multipath,
          control);
    }
  }

  /**
   * Identity of the gateway, used to name and own the agent's VPNGatewayNode.
   *
   * @param name VPNGateway name
   * @param namespace VPNGateway namespace
   * @param uid VPNGateway UID, for the owner reference of the VPNGatewayNode; unset in standalone
   *     mode
   * @param generation VPNGateway generation this document was rendered from
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"name", "namespace", "uid", "generation"})
  public record GatewayRef(String name, String namespace, String uid, Long generation) {
    /** A standalone gateway: a name only. */
    public static GatewayRef named(String name) {
      return new GatewayRef(name, null, null, null);
    }

    public GatewayRef withGeneration(Long value) {
      return new GatewayRef(name, namespace, uid, value);
    }
  }

  /**
   * Where the data plane listens.
   *
   * @param port port shared by every transport
   * @param transports {@code UDP} and/or {@code TCP}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"port", "transports"})
  public record Listen(Integer port, List<Transport> transports) {
    public Listen {
      port = port == null ? AgentDefaults.PORT : port;
      transports = transports == null ? AgentDefaults.TRANSPORTS : List.copyOf(transports);
    }
  }

  /**
   * Tunnel address pools; the gateway takes the first address of each.
   *
   * @param ipv4 IPv4 pool (CIDR)
   * @param ipv6 optional IPv6 pool (CIDR)
   * @param fixedAddresses fixed IPv4 tunnel addresses by client certificate common name (VPNClient
   *     {@code spec.address}); each a client address of {@code ipv4}, none given twice. Nobody else
   *     gets them; with an IPv6 pool the client's IPv6 address has the same host number
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"ipv4", "ipv6", "fixedAddresses"})
  public record Pools(String ipv4, String ipv6, Map<String, String> fixedAddresses) {
    public Pools {
      // in the order given: the operator sorts them so that the rendered document is stable
      fixedAddresses =
          fixedAddresses == null
              ? null
              : Collections.unmodifiableMap(new LinkedHashMap<>(fixedAddresses));
    }

    public Pools withFixedAddresses(Map<String, String> value) {
      return new Pools(ipv4, ipv6, value);
    }
  }

  /**
   * Files holding the PKI, and how the control channel is wrapped.
   *
   * @param caFile PEM CA certificate that signs client certificates
   * @param certFile PEM server certificate
   * @param keyFile PEM private key of the server certificate
   * @param controlChannelKeyFile OpenVPN static key (V1) for tls-crypt or tls-auth
   * @param crlFile PEM certificate revocation list; optional
   * @param controlChannel {@code tls-crypt}, {@code tls-auth} or {@code none}
   * @param authDigest HMAC digest for tls-auth; unset means {@link AgentDefaults#AUTH_DIGEST}
   * @param minVersion lowest TLS version, {@code 1.2} or {@code 1.3}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({
    "caFile",
    "certFile",
    "keyFile",
    "controlChannelKeyFile",
    "crlFile",
    "controlChannel",
    "authDigest",
    "minVersion"
  })
  public record Tls(
      String caFile,
      String certFile,
      String keyFile,
      String controlChannelKeyFile,
      String crlFile,
      ControlChannelProtection controlChannel,
      HmacDigest authDigest,
      String minVersion) {
    public Tls {
      controlChannel = controlChannel == null ? AgentDefaults.CONTROL_CHANNEL : controlChannel;
      minVersion = minVersion == null ? AgentDefaults.TLS_MIN_VERSION : minVersion;
    }

    /** The tls-auth digest: as set, or {@link AgentDefaults#AUTH_DIGEST}. */
    public HmacDigest authDigestOrDefault() {
      return authDigest == null ? AgentDefaults.AUTH_DIGEST : authDigest;
    }

    public static Builder builder() {
      return new Builder();
    }

    public Builder toBuilder() {
      return new Builder()
          .caFile(caFile)
          .certFile(certFile)
          .keyFile(keyFile)
          .controlChannelKeyFile(controlChannelKeyFile)
          .crlFile(crlFile)
          .controlChannel(controlChannel)
          .authDigest(authDigest)
          .minVersion(minVersion);
    }

    /** Named construction of {@link Tls}. */
    public static final class Builder {
      private String caFile;
      private String certFile;
      private String keyFile;
      private String controlChannelKeyFile;
      private String crlFile;
      private ControlChannelProtection controlChannel;
      private HmacDigest authDigest;
      private String minVersion;

      private Builder() {}

      public Builder caFile(String value) {
        caFile = value;
        return this;
      }

      public Builder certFile(String value) {
        certFile = value;
        return this;
      }

      public Builder keyFile(String value) {
        keyFile = value;
        return this;
      }

      public Builder controlChannelKeyFile(String value) {
        controlChannelKeyFile = value;
        return this;
      }

      public Builder crlFile(String value) {
        crlFile = value;
        return this;
      }

      public Builder controlChannel(ControlChannelProtection value) {
        controlChannel = value;
        return this;
      }

      public Builder authDigest(HmacDigest value) {
        authDigest = value;
        return this;
      }

      public Builder minVersion(String value) {
        minVersion = value;
        return this;
      }

      public Tls build() {
        return new Tls(
            caFile,
            certFile,
            keyFile,
            controlChannelKeyFile,
            crlFile,
            controlChannel,
            authDigest,
            minVersion);
      }
    }
  }

  /**
   * The agent's own endpoints and status cadence.
   *
   * @param httpPort port of the HTTP health ({@code /healthz}, {@code /readyz}) and metrics
   *     endpoint
   * @param statusIntervalSeconds seconds between VPNGatewayNode status reports when nothing changes
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"httpPort", "statusIntervalSeconds"})
  public record Control(Integer httpPort, Integer statusIntervalSeconds) {
    public Control {
      httpPort = httpPort == null ? AgentDefaults.HTTP_PORT : httpPort;
      statusIntervalSeconds =
          statusIntervalSeconds == null
              ? AgentDefaults.STATUS_INTERVAL_SECONDS
              : statusIntervalSeconds;
    }
  }
}
