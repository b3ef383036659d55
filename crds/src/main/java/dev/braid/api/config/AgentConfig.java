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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything one agent needs to run one gateway. Rendered by the operator (pod mode) or written by
 * hand (standalone mode); read only through {@link AgentConfigParser}.
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
public class AgentConfig {
  /** The gateway this agent serves. */
  public GatewayRef gateway;

  /**
   * Node name; unset in a rendered ConfigMap (one document serves every node), filled from {@code
   * BRAID_NODE_NAME} in a pod.
   */
  public String node;

  /** {@code server} or {@code site}. */
  public GatewayMode mode = GatewayMode.SERVER;

  /** Port and transports. */
  public Listen listen = new Listen();

  /** Data-plane workers; unset means one per CPU core. */
  public Integer workers;

  /**
   * Receive moderation: while packets stream in, a worker waits this many microseconds before
   * receiving, so that it handles them in larger batches (fewer wake-ups, TUN writes and ACKs per
   * GiB); isolated packets are never delayed. Unset means 200; 0 turns it off.
   */
  public Integer receiveHoldMicros;

  /**
   * Whether workers send consecutive same-size datagrams to one client as one UDP GSO message (the
   * kernel cuts them apart at the device, or the NIC does). Unset means true; a kernel or device
   * that refuses it turns it off by itself. False is for ruling it out when troubleshooting.
   */
  public Boolean udpSegmentation;

  /** Tunnel address pools. */
  public Pools pools;

  /** MTU of the tunnel device. */
  public Integer mtu = 1500;

  /** Networks pushed to clients (CIDR). */
  public List<String> routes = new ArrayList<>();

  /**
   * Whether tunnel traffic leaving the node is masqueraded to the node's address on the outgoing
   * interface (an nft table the agent owns and removes when it stops). Unset means true; false for
   * routed setups. Applied live.
   */
  public Boolean nat;

  /** DNS pushed to clients. */
  public DnsSettings dns;

  /** Certificate and key files, control-channel protection. */
  public Tls tls;

  /** Data-channel ciphers in order of preference. */
  public List<DataCipher> ciphers = new ArrayList<>();

  /** Ping interval and timeout. */
  public Keepalive keepalive;

  /** Seconds between data-key renegotiations; 0 disables them. */
  public Integer renegotiateSeconds = 3600;

  /**
   * Whether several sessions may use one client certificate common name at once (OpenVPN's {@code
   * duplicate-cn}). Unset or false: a client that connects again replaces its older session.
   */
  public Boolean duplicateCommonNames;

  /**
   * Receive buffer in bytes that UDP clients are asked to give their tunnel socket (pushed as
   * OpenVPN's {@code rcvbuf}; the client's kernel caps it at its {@code net.core.rmem_max}). A
   * gateway sends faster than a single-threaded client drains, and the default 208 KiB buffer then
   * overflows in bursts that the tunnelled TCP sees as loss. Unset means {@link
   * #DEFAULT_CLIENT_RECEIVE_BUFFER}; 0 pushes nothing. TCP clients never get it: it would switch
   * off their kernel's autotuning.
   */
  public Integer clientReceiveBuffer;

  /** {@link #clientReceiveBuffer} when unset: 1 MiB. */
  public static final int DEFAULT_CLIENT_RECEIVE_BUFFER = 1 << 20;

  /** Hubs to connect to in {@code site} mode. */
  public SiteSettings site;

  /** Multipath scheduling and uplinks. */
  public MultipathSettings multipath;

  /** Health, metrics and status publishing of the agent itself. */
  public Control control = new Control();

  /** Identity of the gateway, used to name and own the agent's VPNGatewayNode. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class GatewayRef {
    /** VPNGateway name. */
    public String name;

    /** VPNGateway namespace. */
    public String namespace;

    /** VPNGateway UID, for the owner reference of the VPNGatewayNode; unset in standalone mode. */
    public String uid;

    /** VPNGateway generation this document was rendered from. */
    public Long generation;
  }

  /** Where the data plane listens. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Listen {
    /** Port shared by every transport. */
    public Integer port = 1194;

    /** {@code UDP} and/or {@code TCP}. */
    public List<Transport> transports = new ArrayList<>(List.of(Transport.UDP));
  }

  /** Tunnel address pools; the gateway takes the first address of each. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Pools {
    /** IPv4 pool (CIDR). */
    public String ipv4;

    /** Optional IPv6 pool (CIDR). */
    public String ipv6;

    /**
     * Fixed IPv4 tunnel addresses by client certificate common name (VPNClient {@code
     * spec.address}); each a client address of {@link #ipv4}, none given twice. Nobody else gets
     * them; with an IPv6 pool the client's IPv6 address has the same host number.
     */
    public Map<String, String> fixedAddresses;
  }

  /** Files holding the PKI, and how the control channel is wrapped. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Tls {
    /** PEM CA certificate that signs client certificates. */
    public String caFile;

    /** PEM server certificate. */
    public String certFile;

    /** PEM private key of the server certificate. */
    public String keyFile;

    /** OpenVPN static key (V1) for tls-crypt or tls-auth. */
    public String controlChannelKeyFile;

    /** PEM certificate revocation list; optional. */
    public String crlFile;

    /** {@code tls-crypt}, {@code tls-auth} or {@code none}. */
    public ControlChannelProtection controlChannel = ControlChannelProtection.TLS_CRYPT;

    /** HMAC digest for tls-auth. */
    public HmacDigest authDigest;

    /** Lowest TLS version, {@code 1.2} or {@code 1.3}. */
    public String minVersion = "1.2";
  }

  /** The agent's own endpoints and status cadence. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Control {
    /** Port of the HTTP health ({@code /healthz}, {@code /readyz}) and metrics endpoint. */
    public Integer httpPort = 9464;

    /** Seconds between VPNGatewayNode status reports when nothing changes. */
    public Integer statusIntervalSeconds = 30;
  }
}
