package dev.braid.operator.reconciler;

import dev.braid.api.v1alpha1.VPNClient;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.api.v1alpha1.VPNGatewayNode;
import dev.braid.api.v1alpha1.VPNGatewayStatus;
import dev.braid.operator.model.GatewayNames;
import dev.braid.operator.model.GatewayStatusAggregator;
import dev.braid.operator.model.GatewayValidator;
import dev.braid.operator.model.SpecProblem;
import dev.braid.operator.pki.GatewayPki;
import dev.braid.operator.pki.Pem;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a VPNGateway: validate what the CRD cannot, apply the dependents, then write a fresh
 * status from the DaemonSet and the agents' VPNGatewayNode reports. An invalid spec is not rolled
 * out: the dependents keep the last valid state, and status and an Event name the field.
 */
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "serviceaccount", type = AgentServiceAccountDependent.class),
      @Dependent(name = "role", type = AgentRoleDependent.class),
      @Dependent(
          name = "rolebinding",
          type = AgentRoleBindingDependent.class,
          dependsOn = {"serviceaccount", "role"}),
      @Dependent(name = "config", type = AgentConfigMapDependent.class),
      @Dependent(
          name = "pki",
          type = GatewayPkiSecretDependent.class,
          reconcilePrecondition = ManagedPkiCondition.class),
      @Dependent(
          name = "daemonset",
          type = AgentDaemonSetDependent.class,
          dependsOn = {"rolebinding", "config", "pki"})
    })
@ControllerConfiguration(
    name = "vpngateway",
    fieldManager = GatewayNames.FIELD_MANAGER,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 60, timeUnit = TimeUnit.SECONDS))
public class VPNGatewayReconciler implements Reconciler<VPNGateway> {
  private static final Logger LOG = LoggerFactory.getLogger(VPNGatewayReconciler.class);

  private final Clock clock;

  /** A reconciler on the system clock. */
  public VPNGatewayReconciler() {
    this(Clock.systemUTC());
  }

  VPNGatewayReconciler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, VPNGateway>> prepareEventSources(
      EventSourceContext<VPNGateway> context) {
    return List.of(
        byGateway(
            context,
            VPNGatewayNode.class,
            "gateway-nodes",
            n -> n.getSpec() == null ? null : n.getSpec().gateway),
        // A client's fixed address (spec.address) goes into the agent config document.
        byGateway(
            context,
            VPNClient.class,
            "gateway-clients",
            c -> c.getSpec() == null ? null : c.getSpec().gateway));
  }

  /** An informer on {@code type} whose objects name their gateway (same namespace). */
  private static <R extends HasMetadata> InformerEventSource<R, VPNGateway> byGateway(
      EventSourceContext<VPNGateway> context,
      Class<R> type,
      String name,
      Function<R, String> gatewayOf) {
    var config =
        InformerEventSourceConfiguration.from(type, VPNGateway.class)
            .withName(name)
            .withSecondaryToPrimaryMapper(
                (R r) -> {
                  String gateway = gatewayOf.apply(r);
                  return gateway == null
                      ? Set.of()
                      : Set.of(new ResourceID(gateway, r.getMetadata().getNamespace()));
                })
            .build();
    return new InformerEventSource<>(config, context);
  }

  @Override
  public UpdateControl<VPNGateway> reconcile(VPNGateway gateway, Context<VPNGateway> context) {
    String namespace = gateway.getMetadata().getNamespace();
    Optional<Secret> ownSecret = ownTlsSecret(gateway, context);
    List<SpecProblem> problems =
        GatewayValidator.validate(
            gateway,
            context.getPrimaryCache().list(namespace).toList(),
            ownSecret.map(secret -> SecretData.decode(secret).keySet()));
    if (problems.isEmpty()) {
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    } else {
      LOG.warn(
          "VPNGateway {}/{} generation {} not rolled out: {}",
          namespace,
          gateway.getMetadata().getName(),
          gateway.getMetadata().getGeneration(),
          problems);
    }
    VPNGatewayStatus status =
        GatewayStatusAggregator.aggregate(
            new GatewayStatusAggregator.Observation(
                gateway.getMetadata().getGeneration(),
                problems,
                context.getSecondaryResource(DaemonSet.class).orElse(null),
                List.copyOf(context.getSecondaryResources(VPNGatewayNode.class)),
                notAfter(mountedTlsSecret(gateway, ownSecret, context)),
                gateway.getStatus(),
                clock.instant()));
    GatewayEvents.warnOnNewDegraded(
        context.getClient(),
        gateway,
        gateway.getStatus() == null ? List.of() : gateway.getStatus().conditions,
        status.conditions);
    if (StatusComparison.same(gateway.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    VPNGateway fresh = new VPNGateway();
    fresh.getMetadata().setName(gateway.getMetadata().getName());
    fresh.getMetadata().setNamespace(namespace);
    fresh.setStatus(status);
    return UpdateControl.patchStatus(fresh);
  }

  /** The Secret the spec names, read directly (it carries no label the informers select on). */
  private static Optional<Secret> ownTlsSecret(VPNGateway gateway, Context<VPNGateway> context) {
    var tls = gateway.getSpec().tls;
    if (tls == null || tls.secretName == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        context
            .getClient()
            .secrets()
            .inNamespace(gateway.getMetadata().getNamespace())
            .withName(tls.secretName)
            .get());
  }

  /** The Secret the agents mount: the spec's own, or the operator's PKI Secret from the cache. */
  private static Secret mountedTlsSecret(
      VPNGateway gateway, Optional<Secret> own, Context<VPNGateway> context) {
    var tls = gateway.getSpec().tls;
    if (tls != null && tls.secretName != null) {
      return own.orElse(null);
    }
    String name = GatewayNames.pki(gateway.getMetadata().getName());
    return context.getSecondaryResources(Secret.class).stream()
        .filter(s -> s.getMetadata().getName().equals(name))
        .findFirst()
        .orElse(null);
  }

  private static String notAfter(Secret secret) {
    String pem = SecretData.decode(secret).get(GatewayPki.TLS_CRT);
    if (pem == null) {
      return null;
    }
    try {
      return Pem.readCertificate(pem).getNotAfter().toInstant().toString();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
