package dev.braid.operator.reconciler;

import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.operator.model.AgentRbac;
import dev.braid.operator.model.GatewayNames;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The agents' Role. */
@KubernetesDependent(informer = @Informer(labelSelector = AgentServiceAccountDependent.SELECTOR))
public class AgentRoleDependent extends GatewayDependent<Role> {
  /** Created by JOSDK. */
  public AgentRoleDependent() {
    super(Role.class);
  }

  @Override
  String objectName(String gateway) {
    return GatewayNames.agent(gateway);
  }

  @Override
  protected Role desired(VPNGateway gateway, Context<VPNGateway> context) {
    return AgentRbac.role(gateway);
  }
}
