package dev.braid.operator.testing;

import dev.braid.api.v1alpha1.AgentError;
import dev.braid.api.v1alpha1.Capability;
import dev.braid.api.v1alpha1.KernelCapabilities;
import dev.braid.api.v1alpha1.PathStatus;
import dev.braid.api.v1alpha1.SessionStatus;
import dev.braid.api.v1alpha1.Transport;
import dev.braid.api.v1alpha1.TunnelNetwork;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.api.v1alpha1.VPNGatewayNode;
import dev.braid.api.v1alpha1.VPNGatewayNodeSpec;
import dev.braid.api.v1alpha1.VPNGatewayNodeStatus;
import dev.braid.api.v1alpha1.VPNGatewaySpec;
import dev.braid.operator.model.GatewayNames;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.awaitility.Awaitility;

/** Test objects: gateways and the reports a test agent writes. */
public final class Gateways {
  private Gateways() {}

  /** A minimal server gateway on pool 10.8.0.0/24. */
  public static VPNGateway gateway(String namespace, String name) {
    VPNGateway g = new VPNGateway();
    g.getMetadata().setName(name);
    g.getMetadata().setNamespace(namespace);
    g.setSpec(new VPNGatewaySpec());
    g.getSpec().network = new TunnelNetwork();
    g.getSpec().network.ipv4 = "10.8.0.0/24";
    return g;
  }

  /** A report of a serving agent with sessions, one per given common name. */
  public static VPNGatewayNode report(
      VPNGateway gateway, String node, long configGeneration, String... commonNames) {
    VPNGatewayNode n = new VPNGatewayNode();
    n.getMetadata().setName(GatewayNames.gatewayNode(gateway.getMetadata().getName(), node));
    n.getMetadata().setNamespace(gateway.getMetadata().getNamespace());
    n.getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion(gateway.getApiVersion())
                    .withKind(gateway.getKind())
                    .withName(gateway.getMetadata().getName())
                    .withUid(gateway.getMetadata().getUid())
                    .build()));
    n.setSpec(new VPNGatewayNodeSpec());
    n.getSpec().gateway = gateway.getMetadata().getName();
    n.getSpec().node = node;
    VPNGatewayNodeStatus s = new VPNGatewayNodeStatus();
    s.serving = true;
    s.configGeneration = configGeneration;
    s.workers = 2;
    s.heartbeat = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    s.addresses = List.of("192.0.2." + (10 + Math.abs(node.hashCode() % 200)));
    s.capabilities = new KernelCapabilities();
    s.capabilities.reusePort = new Capability(true, null);
    s.capabilities.mptcp = new Capability(false, "net.mptcp.enabled=0");
    int i = 0;
    for (String cn : commonNames) {
      SessionStatus session = new SessionStatus();
      session.commonName = cn;
      session.peerId = i;
      session.tunnelAddresses = List.of("10.8.0." + (10 + i));
      PathStatus path = new PathStatus();
      path.local = s.addresses.getFirst() + ":1194";
      path.remote = "198.51.100." + (1 + i) + ":40000";
      path.transport = Transport.UDP;
      path.state = "up";
      session.paths = List.of(path);
      s.sessions.add(session);
      i++;
    }
    s.sessionCount = commonNames.length;
    n.setStatus(s);
    return n;
  }

  /**
   * Writes a report the way an agent does: create the object once, then its status. Retried for a
   * while, because the API server's authorizer learns about a new RoleBinding asynchronously.
   */
  public static void publish(KubernetesClient agent, VPNGatewayNode report) {
    var nodes =
        agent.resources(VPNGatewayNode.class).inNamespace(report.getMetadata().getNamespace());
    VPNGatewayNodeStatus status = report.getStatus();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(
            () -> {
              if (nodes.withName(report.getMetadata().getName()).get() == null) {
                report.setStatus(null);
                try {
                  nodes.resource(report).create();
                } finally {
                  report.setStatus(status);
                }
              }
              nodes
                  .withName(report.getMetadata().getName())
                  .editStatus(
                      n -> {
                        n.setStatus(status);
                        return n;
                      });
              return true;
            });
  }

  /**
   * Writes the status the DaemonSet controller would (the test API server runs no controllers):
   * {@code desired} pods scheduled, {@code updated} of them on the current template, {@code ready}
   * ready, observed at the DaemonSet's current generation.
   */
  public static void setDaemonSetStatus(
      KubernetesClient admin, DaemonSet ds, int desired, int updated, int ready) {
    admin
        .resources(DaemonSet.class)
        .inNamespace(ds.getMetadata().getNamespace())
        .withName(ds.getMetadata().getName())
        .editStatus(
            d -> {
              d.setStatus(
                  new DaemonSetStatusBuilder()
                      .withDesiredNumberScheduled(desired)
                      .withCurrentNumberScheduled(desired)
                      .withUpdatedNumberScheduled(updated)
                      .withNumberReady(ready)
                      .withNumberAvailable(ready)
                      .withNumberUnavailable(desired - ready)
                      .withNumberMisscheduled(0)
                      .withObservedGeneration(d.getMetadata().getGeneration())
                      .build());
              return d;
            });
  }

  /** Marks a report as failing with an error. */
  public static VPNGatewayNode failing(VPNGatewayNode n, String reason, String message) {
    n.getStatus().lastError = new AgentError();
    n.getStatus().lastError.reason = reason;
    n.getStatus().lastError.message = message;
    n.getStatus().serving = false;
    return n;
  }
}
