package dev.braid.operator.reconciler;

import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.operator.model.AgentRbac;
import dev.braid.operator.model.GatewayNames;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Binds the agents' Role to their ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = AgentServiceAccountDependent.SELECTOR))
public class AgentRoleBindingDependent extends GatewayDependent<RoleBinding> {
  /** Created by JOSDK. */
  public AgentRoleBindingDependent() {
    super(RoleBinding.class);
  }

  @Override
  String objectName(String gateway) {
    return GatewayNames.agent(gateway);
  }

  @Override
  protected RoleBinding desired(VPNGateway gateway, Context<VPNGateway> context) {
    return AgentRbac.roleBinding(gateway);
  }
}
