package dev.braid.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed of a {@link VPNGateway}; written only by the operator. */
public class VPNGatewayStatus {
  /**
   * Condition type: traffic can flow through at least one node and every selected node is serving.
   */
  public static final String READY = "Ready";

  /** Condition type: a change is being rolled out. */
  public static final String PROGRESSING = "Progressing";

  /** Condition type: something needs a person's attention; the message says what. */
  public static final String DEGRADED = "Degraded";

  /** The {@code metadata.generation} this status describes. */
  public Long observedGeneration;

  /** {@code Ready}, {@code Progressing} and {@code Degraded}, with reasons and messages. */
  public List<Condition> conditions = new ArrayList<>();

  /** Nodes that should run the gateway. */
  public Integer desiredNodes;

  /** Nodes whose agent is serving. */
  public Integer readyNodes;

  /** {@code ready/desired}, for {@code kubectl get}. */
  public String nodesReady;

  /** Established client sessions over all nodes. */
  public Integer sessions;

  /** Expiry of the gateway's server certificate (RFC 3339), renewed before it is reached. */
  public String serverCertificateNotAfter;

  /** One summary per node, from that node's {@link VPNGatewayNode}. */
  public List<GatewayNodeSummary> nodes = new ArrayList<>();
}
