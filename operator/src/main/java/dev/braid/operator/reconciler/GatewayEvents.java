package dev.braid.operator.reconciler;

import dev.braid.api.v1alpha1.VPNGatewayStatus;
import dev.braid.operator.model.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes Kubernetes Events about Braid objects; a failed Event is logged, never fatal. */
final class GatewayEvents {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayEvents.class);
  private static final String SOURCE = "braid-operator";

  private GatewayEvents() {}

  /**
   * A Warning Event when {@code now} holds a Degraded condition that is True with a message {@code
   * before} did not have: one Event per new problem, not one per reconcile.
   */
  static void warnOnNewDegraded(
      KubernetesClient client, HasMetadata object, List<Condition> before, List<Condition> now) {
    Optional<Condition> degraded =
        Conditions.find(now, VPNGatewayStatus.DEGRADED).filter(c -> "True".equals(c.getStatus()));
    String previous =
        Conditions.find(before, VPNGatewayStatus.DEGRADED)
            .filter(c -> "True".equals(c.getStatus()))
            .map(Condition::getMessage)
            .orElse(null);
    if (degraded.isPresent() && !degraded.get().getMessage().equals(previous)) {
      warn(client, object, degraded.get().getReason(), degraded.get().getMessage());
    }
  }

  /** A Warning Event on the object. */
  static void warn(KubernetesClient client, HasMetadata object, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(
                object.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
            .withNamespace(object.getMetadata().getNamespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(object.getApiVersion())
            .withKind(object.getKind())
            .withName(object.getMetadata().getName())
            .withNamespace(object.getMetadata().getNamespace())
            .withUid(object.getMetadata().getUid())
            .endInvolvedObject()
            .withType("Warning")
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(SOURCE)
            .endSource()
            .withReportingComponent(SOURCE)
            .build();
    try {
      client
          .v1()
          .events()
          .inNamespace(object.getMetadata().getNamespace())
          .resource(event)
          .create();
    } catch (KubernetesClientException e) {
      LOG.warn(
          "could not record Event {} on {}/{}: {}",
          reason,
          object.getKind(),
          object.getMetadata().getName(),
          e.getMessage());
    }
  }
}
