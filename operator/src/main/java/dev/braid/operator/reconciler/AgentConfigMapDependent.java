package dev.braid.operator.reconciler;

import dev.braid.api.config.AgentConfigParser;
import dev.braid.api.v1alpha1.VPNClient;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.operator.model.AgentConfigRenderer;
import dev.braid.operator.model.GatewayNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.List;
import java.util.Map;

/**
 * The rendered agent config document, with the fixed addresses of the gateway's VPNClients; the
 * agents reload it in place when it changes.
 */
@KubernetesDependent(informer = @Informer(labelSelector = AgentConfigMapDependent.SELECTOR))
public class AgentConfigMapDependent extends GatewayDependent<ConfigMap> {
  static final String SELECTOR = GatewayNames.COMPONENT_LABEL + "=" + GatewayNames.CONFIG;

  /** Created by JOSDK. */
  public AgentConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  String objectName(String gateway) {
    return GatewayNames.config(gateway);
  }

  @Override
  protected ConfigMap desired(VPNGateway gateway, Context<VPNGateway> context) {
    String name = gateway.getMetadata().getName();
    List<VPNClient> clients =
        context == null ? List.of() : List.copyOf(context.getSecondaryResources(VPNClient.class));
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(GatewayNames.config(name))
        .withNamespace(gateway.getMetadata().getNamespace())
        .withLabels(GatewayNames.labels(name, GatewayNames.CONFIG))
        .endMetadata()
        .withData(
            Map.of(AgentConfigParser.FILE_NAME, AgentConfigRenderer.renderYaml(gateway, clients)))
        .build();
  }
}
