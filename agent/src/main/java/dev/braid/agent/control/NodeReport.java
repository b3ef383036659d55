package dev.braid.agent.control;

import dev.braid.api.config.AgentConfig;
import dev.braid.api.v1alpha1.AgentError;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.api.v1alpha1.VPNGatewayNode;
import dev.braid.api.v1alpha1.VPNGatewayNodeSpec;
import dev.braid.api.v1alpha1.VPNGatewayNodeStatus;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds this node's VPNGatewayNode from the running config and a data-plane snapshot. */
public final class NodeReport {
  /** Sessions listed in one report; {@code sessionCount} always has the full number. */
  public static final int MAX_SESSIONS = 200;

  private NodeReport() {}

  /** The object name: {@code <gateway>-<node>}. */
  public static String name(AgentConfig config) {
    return config.gateway().name() + "-" + config.node();
  }

  /**
   * The full object, owned by the gateway when its UID is known (pod mode).
   *
   * @param addresses addresses clients can reach this node on
   * @param lastError the control side's last error, or null
   */
  public static VPNGatewayNode build(
      AgentConfig config,
      List<String> addresses,
      DataPlaneStatus.Snapshot snapshot,
      AgentError lastError,
      Instant now) {
    VPNGatewayNode node = new VPNGatewayNode();
    node.getMetadata().setName(name(config));
    node.getMetadata().setNamespace(config.gateway().namespace());
    node.getMetadata().setLabels(Map.of("braid.dev/gateway", config.gateway().name()));
    if (config.gateway().uid() != null) {
      node.getMetadata()
          .setOwnerReferences(
              List.of(
                  new OwnerReferenceBuilder()
                      .withApiVersion(VPNGateway.GROUP + "/" + VPNGateway.VERSION)
                      .withKind("VPNGateway")
                      .withName(config.gateway().name())
                      .withUid(config.gateway().uid())
                      .build()));
    }
    node.setSpec(new VPNGatewayNodeSpec());
    node.getSpec().gateway = config.gateway().name();
    node.getSpec().node = config.node();
    VPNGatewayNodeStatus s = new VPNGatewayNodeStatus();
    s.serving = snapshot.serving();
    s.configGeneration = config.gateway().generation();
    s.workers = snapshot.workers();
    s.sessionCount = snapshot.sessions().size();
    s.sessions = snapshot.sessions().stream().limit(MAX_SESSIONS).toList();
    s.capabilities = snapshot.capabilities();
    s.drops = snapshot.drops().isEmpty() ? null : new TreeMap<>(snapshot.drops());
    s.disconnects = snapshot.disconnects().isEmpty() ? null : new TreeMap<>(snapshot.disconnects());
    s.addresses = List.copyOf(addresses);
    s.lastError = lastError;
    s.heartbeat = now.truncatedTo(ChronoUnit.SECONDS).toString();
    node.setStatus(s);
    return node;
  }
}
