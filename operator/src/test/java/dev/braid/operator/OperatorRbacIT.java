package dev.braid.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.operator.testing.OperatorCluster;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator's RBAC from {@code deploy/} is no broader than the reconcilers need (that it is
 * enough is shown by the other ITs, which run the operator under it). Asked of the real API
 * server's authorizer with SubjectAccessReviews.
 */
class OperatorRbacIT {
  static OperatorCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = OperatorCluster.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @ParameterizedTest(name = "operator may not {0} {2}.{1} in {3}")
  @CsvSource({
    "create, pods, '', tenant",
    "create, pods/exec, '', tenant",
    "get, nodes, '', ''",
    "delete, namespaces, '', ''",
    "create, clusterroles, rbac.authorization.k8s.io, ''",
    "create, clusterrolebindings, rbac.authorization.k8s.io, ''",
    "escalate, roles, rbac.authorization.k8s.io, tenant",
    "bind, roles, rbac.authorization.k8s.io, tenant",
    "delete, roles, rbac.authorization.k8s.io, tenant",
    "create, deployments, apps, tenant",
    "delete, daemonsets, apps, tenant",
    "delete, configmaps, '', tenant",
    "create, customresourcedefinitions, apiextensions.k8s.io, ''",
    "update, vpngateways, braid.dev, tenant",
    "patch, vpngateways, braid.dev, tenant",
    "delete, vpngateways, braid.dev, tenant",
    "delete, vpngatewaynodes, braid.dev, tenant",
    "update, leases, coordination.k8s.io, kube-system",
    "create, serviceaccounts/token, '', tenant",
  })
  void operatorIsDenied(String verb, String resource, String group, String namespace) {
    assertThat(
            allowed(
                OperatorCluster.OPERATOR_USER, "braid-system", verb, resource, group, namespace))
        .isFalse();
  }

  @ParameterizedTest(name = "operator may {0} {2}.{1} in {3}")
  @CsvSource({
    "patch, vpngateways/status, braid.dev, tenant",
    "patch, daemonsets, apps, tenant",
    "create, secrets, '', tenant",
    "create, events, '', tenant",
    "update, leases, coordination.k8s.io, braid-system",
  })
  void operatorIsAllowed(String verb, String resource, String group, String namespace) {
    assertThat(
            allowed(
                OperatorCluster.OPERATOR_USER, "braid-system", verb, resource, group, namespace))
        .isTrue();
  }

  @Test
  void clusterRoleHasNoWildcards() {
    ClusterRole role = cluster.admin().rbac().clusterRoles().withName("braid-operator").get();
    assertThat(role.getRules())
        .allSatisfy(
            r -> {
              assertThat(r.getVerbs()).doesNotContain("*");
              assertThat(r.getResources()).doesNotContain("*");
              assertThat(r.getApiGroups()).doesNotContain("*");
            });
  }

  @Test
  void agentsMayWriteTheirNodeReportsAndNothingElse() throws Exception {
    String ns = cluster.namespace("agent-rbac");
    cluster.admin().resource(dev.braid.operator.testing.Gateways.gateway(ns, "gw")).create();
    String agent = "system:serviceaccount:" + ns + ":gw-agent";
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(90))
        .until(() -> allowed(agent, ns, "create", "vpngatewaynodes", "braid.dev", ns));
    assertThat(allowed(agent, ns, "patch", "vpngatewaynodes/status", "braid.dev", ns)).isTrue();
    for (var denied :
        List.of(
            List.of("get", "secrets", ""),
            List.of("get", "configmaps", ""),
            List.of("update", "vpngateways", "braid.dev"),
            List.of("list", "vpnclients", "braid.dev"),
            List.of("delete", "vpngatewaynodes", "braid.dev"),
            List.of("create", "pods", ""))) {
      assertThat(allowed(agent, ns, denied.get(0), denied.get(1), denied.get(2), ns))
          .as("agent may not %s", denied)
          .isFalse();
    }
    assertThat(allowed(agent, ns, "create", "vpngatewaynodes", "braid.dev", "other-namespace"))
        .isFalse();
  }

  private static boolean allowed(
      String user,
      String userNamespace,
      String verb,
      String resource,
      String group,
      String namespace) {
    String[] parts = resource.split("/", 2);
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(user)
            .withGroups(
                "system:serviceaccounts",
                "system:serviceaccounts:" + userNamespace,
                "system:authenticated")
            .withNewResourceAttributes()
            .withVerb(verb)
            .withGroup(group)
            .withResource(parts[0])
            .withSubresource(parts.length > 1 ? parts[1] : null)
            .withNamespace(namespace.isEmpty() ? null : namespace)
            .endResourceAttributes()
            .endSpec()
            .build();
    return cluster
        .admin()
        .authorization()
        .v1()
        .subjectAccessReview()
        .create(review)
        .getStatus()
        .getAllowed();
  }
}
