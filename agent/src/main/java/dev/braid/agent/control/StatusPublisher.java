package dev.braid.agent.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.api.v1alpha1.VPNGatewayNode;
import dev.braid.api.v1alpha1.VPNGatewayNodeStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes this node's VPNGatewayNode: creates it once, then patches its status whenever the report
 * changes and at least every heartbeat interval, so the operator can tell a live agent from a dead
 * one. Needs only the rights the agents' Role grants.
 */
public final class StatusPublisher {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final Duration heartbeat;
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private VPNGatewayNodeStatus lastWritten;
  private Instant lastWrite = Instant.EPOCH;

  /** A publisher writing at least every {@code heartbeat}. */
  public StatusPublisher(KubernetesClient client, Duration heartbeat) {
    this.client = client;
    this.heartbeat = heartbeat;
  }

  /**
   * Publishes the report if it changed or the heartbeat is due.
   *
   * @return true when something was written
   */
  public synchronized boolean publish(VPNGatewayNode report, Instant now) {
    boolean changed =
        lastWritten == null || !sameApartFromHeartbeat(lastWritten, report.getStatus());
    if (!changed && Duration.between(lastWrite, now).compareTo(heartbeat) < 0) {
      return false;
    }
    try {
      var nodes =
          client.resources(VPNGatewayNode.class).inNamespace(report.getMetadata().getNamespace());
      var existing = nodes.withName(report.getMetadata().getName()).get();
      if (existing == null) {
        VPNGatewayNode fresh = new VPNGatewayNode();
        fresh.setMetadata(report.getMetadata());
        fresh.setSpec(report.getSpec());
        nodes.resource(fresh).create();
      }
      VPNGatewayNodeStatus status = report.getStatus();
      nodes
          .withName(report.getMetadata().getName())
          .editStatus(
              n -> {
                n.setStatus(status);
                return n;
              });
      lastWritten = status;
      lastWrite = now;
      writes.incrementAndGet();
      return true;
    } catch (RuntimeException e) {
      failures.incrementAndGet();
      throw new IllegalStateException(
          "publishing VPNGatewayNode "
              + report.getMetadata().getNamespace()
              + "/"
              + report.getMetadata().getName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Successful writes since start. */
  public long writes() {
    return writes.get();
  }

  /** Failed writes since start. */
  public long failures() {
    return failures.get();
  }

  static boolean sameApartFromHeartbeat(VPNGatewayNodeStatus a, VPNGatewayNodeStatus b) {
    var ta = JSON.valueToTree(a);
    var tb = JSON.valueToTree(b);
    ((com.fasterxml.jackson.databind.node.ObjectNode) ta).remove("heartbeat");
    ((com.fasterxml.jackson.databind.node.ObjectNode) tb).remove("heartbeat");
    return ta.equals(tb);
  }
}
