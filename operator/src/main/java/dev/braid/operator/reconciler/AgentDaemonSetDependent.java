package dev.braid.operator.reconciler;

import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.operator.model.AgentDaemonSet;
import dev.braid.operator.model.AgentImage;
import dev.braid.operator.model.GatewayNames;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The agents' DaemonSet. */
@KubernetesDependent(informer = @Informer(labelSelector = AgentServiceAccountDependent.SELECTOR))
public class AgentDaemonSetDependent extends GatewayDependent<DaemonSet> {
  /** Created by JOSDK. */
  public AgentDaemonSetDependent() {
    super(DaemonSet.class);
  }

  @Override
  String objectName(String gateway) {
    return GatewayNames.agent(gateway);
  }

  @Override
  protected DaemonSet desired(VPNGateway gateway, Context<VPNGateway> context) {
    return AgentDaemonSet.desired(gateway, AgentImage.configured());
  }
}
