package dev.braid.operator.reconciler;

import static dev.braid.operator.testing.Gateways.gateway;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.api.config.AgentConfigParser;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.operator.model.GatewayNames;
import org.junit.jupiter.api.Test;

/** The desired objects of the dependents whose content does not depend on the cluster. */
class DependentsDesiredTest {
  private final VPNGateway gw = gateway("ns", "gw");

  @Test
  void serviceAccountRoleAndBindingFitTogether() {
    var sa = new AgentServiceAccountDependent().desired(gw, null);
    var role = new AgentRoleDependent().desired(gw, null);
    var binding = new AgentRoleBindingDependent().desired(gw, null);

    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo(sa.getMetadata().getName());
              assertThat(s.getNamespace()).isEqualTo("ns");
            });
    assertThat(role.getRules())
        .flatExtracting(r -> r.getResources())
        .containsExactlyInAnyOrder("vpngateways", "vpngatewaynodes", "vpngatewaynodes/status");
    assertThat(role.getRules())
        .filteredOn(r -> r.getResources().contains("vpngateways"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getResourceNames()).containsExactly("gw");
              assertThat(r.getVerbs()).containsExactly("get");
            });
  }

  @Test
  void configMapHoldsTheRenderedDocument() throws Exception {
    var cm = new AgentConfigMapDependent().desired(gw, null);
    assertThat(cm.getMetadata().getName()).isEqualTo(GatewayNames.config("gw"));
    assertThat(cm.getMetadata().getLabels())
        .containsEntry(GatewayNames.COMPONENT_LABEL, GatewayNames.CONFIG);
    AgentConfigParser.parse(cm.getData().get(AgentConfigParser.FILE_NAME), "cm");
  }

  @Test
  void daemonSetUsesTheConfiguredImage() {
    System.setProperty("braid.agent.image", "example/agent:test");
    try {
      var ds = new AgentDaemonSetDependent().desired(gw, null);
      assertThat(ds.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
          .isEqualTo("example/agent:test");
    } finally {
      System.clearProperty("braid.agent.image");
    }
  }
}
