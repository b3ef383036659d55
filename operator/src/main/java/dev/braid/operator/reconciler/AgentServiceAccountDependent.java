package dev.braid.operator.reconciler;

import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.operator.model.AgentRbac;
import dev.braid.operator.model.GatewayNames;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The agents' ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = AgentServiceAccountDependent.SELECTOR))
public class AgentServiceAccountDependent extends GatewayDependent<ServiceAccount> {
  static final String SELECTOR = GatewayNames.COMPONENT_LABEL + "=" + GatewayNames.AGENT;

  /** Created by JOSDK. */
  public AgentServiceAccountDependent() {
    super(ServiceAccount.class);
  }

  @Override
  String objectName(String gateway) {
    return GatewayNames.agent(gateway);
  }

  @Override
  protected ServiceAccount desired(VPNGateway gateway, Context<VPNGateway> context) {
    return AgentRbac.serviceAccount(gateway);
  }
}
