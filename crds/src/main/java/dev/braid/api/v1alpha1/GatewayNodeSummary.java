package dev.braid.api.v1alpha1;

import java.util.List;

/** One node's view of a gateway, condensed from its {@link VPNGatewayNode}. */
public class GatewayNodeSummary {
  /** Node name. */
  public String node;

  /** The agent is serving and its heartbeat is fresh. */
  public Boolean ready;

  /** Established sessions on this node. */
  public Integer sessions;

  /** Paths over all sessions on this node. */
  public Integer paths;

  /** Data-plane workers running. */
  public Integer workers;

  /** Kernel features the agent wanted but could not use, e.g. {@code mptcp}. */
  public List<String> missingCapabilities;

  /** Last error the agent reported, if any. */
  public String lastError;

  /** Time of the agent's last heartbeat (RFC 3339). */
  public String heartbeat;
}
