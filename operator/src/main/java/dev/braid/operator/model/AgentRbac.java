package dev.braid.operator.model;

import dev.braid.api.v1alpha1.VPNGateway;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.List;

/**
 * The agents' identity and rights: read their own VPNGateway, create and write VPNGatewayNode
 * objects and their status in the gateway's namespace, nothing else. Config and PKI reach the
 * agents as mounted files, so they need no access to ConfigMaps or Secrets.
 */
public final class AgentRbac {
  private AgentRbac() {}

  /** The agents' ServiceAccount. */
  public static ServiceAccount serviceAccount(VPNGateway gateway) {
    String name = gateway.getMetadata().getName();
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(GatewayNames.agent(name))
        .withNamespace(gateway.getMetadata().getNamespace())
        .withLabels(GatewayNames.labels(name, GatewayNames.AGENT))
        .endMetadata()
        .build();
  }

  /** The agents' Role. */
  public static Role role(VPNGateway gateway) {
    String name = gateway.getMetadata().getName();
    return new RoleBuilder()
        .withNewMetadata()
        .withName(GatewayNames.agent(name))
        .withNamespace(gateway.getMetadata().getNamespace())
        .withLabels(GatewayNames.labels(name, GatewayNames.AGENT))
        .endMetadata()
        .withRules(rules(name))
        .build();
  }

  /** Binds the Role to the ServiceAccount. */
  public static RoleBinding roleBinding(VPNGateway gateway) {
    String name = gateway.getMetadata().getName();
    String namespace = gateway.getMetadata().getNamespace();
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName(GatewayNames.agent(name))
        .withNamespace(namespace)
        .withLabels(GatewayNames.labels(name, GatewayNames.AGENT))
        .endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", GatewayNames.agent(name))
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(GatewayNames.agent(name))
        .withNamespace(namespace)
        .endSubject()
        .build();
  }

  private static List<PolicyRule> rules(String gateway) {
    return List.of(
        new PolicyRuleBuilder()
            .withApiGroups(VPNGateway.GROUP)
            .withResources("vpngateways")
            .withResourceNames(gateway)
            .withVerbs("get")
            .build(),
        // create cannot be limited by name; the agent names its object <gateway>-<node>
        new PolicyRuleBuilder()
            .withApiGroups(VPNGateway.GROUP)
            .withResources("vpngatewaynodes")
            .withVerbs("get", "create", "update", "patch")
            .build(),
        new PolicyRuleBuilder()
            .withApiGroups(VPNGateway.GROUP)
            .withResources("vpngatewaynodes/status")
            .withVerbs("get", "update", "patch")
            .build());
  }
}
