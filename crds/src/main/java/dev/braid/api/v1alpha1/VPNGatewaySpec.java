package dev.braid.api.v1alpha1;

import dev.braid.api.schema.Items;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** What a {@link VPNGateway} runs and where. Defaults give a UDP server on port 1194. */
@ValidationRule(
    value = "self.mode != 'site' || (has(self.site) && size(self.site.hubs) > 0)",
    message = "spec.site.hubs must name at least one hub when mode is site")
@ValidationRule(
    value = "self.mode == 'site' || !has(self.site)",
    message = "spec.site is only allowed when mode is site")
@ValidationRule(
    value = "!has(self.controlPort) || !has(self.port) || self.controlPort != self.port",
    message = "spec.controlPort must differ from spec.port")
public class VPNGatewaySpec {
  /** {@code server} accepts clients; {@code site} connects out to hubs. */
  @Default("server")
  public GatewayMode mode;

  /** Listen port for every transport, on every selected node. */
  @Default("1194")
  @Min(1)
  @Max(65535)
  public Integer port;

  /**
   * Port of each agent's HTTP endpoint on its node: {@code /healthz}, {@code /readyz} and {@code
   * /metrics}. Unset means {@link #port} + 8270 (9464 for the default port 1194), so that gateways
   * sharing a node, which must differ in {@link #port}, differ here too. An agent that finds it
   * taken keeps serving clients and reports {@code ControlPortInUse} (the gateway turns Degraded).
   */
  @Min(1)
  @Max(65535)
  public Integer controlPort;

  /** Transports to accept on {@link #port}; UDP when unset. */
  @Size(min = 1, max = 2)
  @ValidationRule(
      value = "self.size() < 2 || self[0] != self[1]",
      message = "spec.transports must not name a transport twice")
  public List<Transport> transports;

  /** Data-plane workers per node; unset means one per CPU core of the node. */
  @Min(1)
  @Max(1024)
  public Integer workers;

  /**
   * Receive moderation in microseconds: while packets stream in, a worker waits this long before
   * receiving, so that it handles them in larger batches; isolated packets are never delayed. 0
   * turns it off; unset means the agent's default (200). A change restarts the agents node by node.
   */
  @Min(0)
  @Max(10000)
  public Integer receiveHoldMicros;

  /** Only nodes with these labels run the gateway. */
  public Map<String, String> nodeSelector;

  /** Tolerations for the gateway pods, e.g. to run on tainted edge nodes. */
  public List<Toleration> tolerations;

  /**
   * CPU and memory of each gateway pod. Unset means requests of 100m CPU and 256Mi memory and a 1Gi
   * memory limit, with no CPU limit (throttling a data plane drops packets).
   */
  public ResourceRequirements resources;

  /** PriorityClass of the gateway pods. */
  @Size(max = 253)
  public String priorityClassName;

  /** Tunnel address pools. */
  @Required public TunnelNetwork network;

  /** MTU of the tunnel device and of the clients' tunnels. */
  @Default("1500")
  @Min(576)
  @Max(9000)
  public Integer mtu;

  /**
   * Whether tunnel traffic leaving a node is masqueraded to that node's address (SNAT), so that
   * pods, Services and anything else behind the gateway answer clients without knowing the tunnel
   * pools. Turn it off for routed setups, where the network routes the pools to the gateway nodes.
   * Each agent owns one nft table for it and removes it when it stops; a change is applied without
   * restarting the agents.
   */
  @Default("true")
  public Boolean nat;

  /** Networks pushed to clients as routes through the tunnel (CIDR, IPv4 or IPv6). */
  @Size(max = 256)
  @Items(
      maxLength = 43,
      rule = "isCIDR(self)",
      message = "spec.routes must hold CIDRs such as 10.96.0.0/12 or fd00::/8")
  public List<String> routes;

  /** DNS settings pushed to clients. */
  public DnsSettings dns;

  /** Certificates and control-channel protection. */
  public TlsSettings tls;

  /** Data-channel ciphers the gateway accepts, in order of preference. */
  @Size(min = 1, max = 3)
  public List<DataCipher> ciphers;

  /** Liveness pings between gateway and clients. */
  public Keepalive keepalive;

  /** Seconds between data-key renegotiations; 0 disables them. */
  @Default("3600")
  @Min(0)
  @ValidationRule(
      value = "self == 0 || self >= 60",
      message = "spec.renegotiateSeconds must be 0 (never) or at least 60")
  public Integer renegotiateSeconds;

  /**
   * Whether several sessions may use one client certificate common name at once (OpenVPN's {@code
   * duplicate-cn}); when false, a client that connects again replaces its older session. Applied
   * without restarting the agents.
   */
  @Default("false")
  public Boolean duplicateCommonNames;

  /**
   * Receive buffer in bytes that UDP clients are asked to give their tunnel socket (OpenVPN's
   * {@code rcvbuf}, capped by the client's {@code net.core.rmem_max}), so that bursts from a
   * multi-core gateway are not dropped at a single-threaded client. 0 pushes nothing; unset means
   * the agent's default (1 MiB). Applied to new sessions without restarting the agents.
   */
  @Min(0)
  @Max(67108864)
  public Integer clientReceiveBuffer;

  /** The hubs a {@code site} gateway connects to. */
  public SiteSettings site;

  /** How a session uses several uplinks at once. */
  public MultipathSettings multipath;
}
