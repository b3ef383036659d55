package dev.braid.operator.reconciler;

import dev.braid.api.v1alpha1.VPNGateway;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** The operator manages the PKI only when the spec names no Secret of its own. */
public class ManagedPkiCondition implements Condition<Secret, VPNGateway> {
  @Override
  public boolean isMet(
      DependentResource<Secret, VPNGateway> dependentResource,
      VPNGateway primary,
      Context<VPNGateway> context) {
    var tls = primary.getSpec().tls;
    return tls == null || tls.secretName == null;
  }
}
