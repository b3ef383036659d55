package dev.braid.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.api.v1alpha1.VPNGatewayStatus;
import dev.braid.operator.model.Conditions;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Helm chart in {@code deploy/helm/braid}: with default values it renders exactly the objects
 * of the kustomize base (CRDs included), and {@code helm install} of it into the real cluster gives
 * a working operator whose gateway becomes Ready; {@code helm uninstall} removes it again.
 */
@ExtendWith(RealClusterExtension.class)
class HelmChartE2E {
  private static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void helmTemplateRendersTheKustomizeObjectsAndHelmInstallWorks(RealCluster cluster)
      throws Exception {
    cluster.removeBraid();
    Map<String, JsonNode> kustomize = objects(cluster.kubectl("kustomize", "deploy/"));
    Map<String, JsonNode> helm =
        objects(cluster.helm("template", "braid", "deploy/helm/braid", "--include-crds"));
    assertThat(helm.keySet()).containsExactlyElementsOf(kustomize.keySet());
    for (String key : kustomize.keySet()) {
      assertThat(helm.get(key).equals(NUMBERS_BY_VALUE, kustomize.get(key)))
          .as(
              "%s as Helm renders it:%n%s%nas kustomize renders it:%n%s",
              key, helm.get(key), kustomize.get(key))
          .isTrue();
    }
    System.out.printf("[e2e] helm template = kubectl kustomize: %d objects%n", helm.size());
    // values take effect: another namespace, one replica without leader election, text logs
    Map<String, JsonNode> changed =
        objects(
            cluster.helm(
                "template",
                "braid",
                "deploy/helm/braid",
                "--set",
                "namespace=vpn",
                "--set",
                "operator.leaderElection.enabled=false",
                "--set",
                "operator.logFormat=text",
                "--set",
                "metrics.podMonitor.enabled=true"));
    JsonNode deployment = changed.get("apps/v1/Deployment/vpn/braid-operator");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(deployment.at("/spec/template/spec/containers/0/env").toString())
        .contains("BRAID_LEADER_ELECTION")
        .doesNotContain("logback-json.xml");
    assertThat(changed).containsKey("monitoring.coreos.com/v1/PodMonitor/vpn/braid");

    long t = System.nanoTime();
    cluster.helm("install", "braid", "deploy/helm/braid", "--wait", "--timeout", "5m");
    RealCluster.phase("helm install --wait (operator Available)", t);
    Path gw = Files.createTempFile("hq", ".yaml");
    Files.writeString(
        gw,
        """
        apiVersion: braid.dev/v1alpha1
        kind: VPNGateway
        metadata: {name: hq, namespace: braid-system}
        spec:
          network: {ipv4: 10.8.0.0/24}
        """);
    cluster.kubectl("apply", "-f", gw.toString());
    t = System.nanoTime();
    await("VPNGateway hq Ready")
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                cluster
                    .admin()
                    .resources(VPNGateway.class)
                    .inNamespace("braid-system")
                    .withName("hq")
                    .get(),
            g ->
                g.getStatus() != null
                    && Conditions.isTrue(g.getStatus().conditions, VPNGatewayStatus.READY));
    RealCluster.phase("helm install: VPNGateway Ready", t);

    t = System.nanoTime();
    cluster.kubectl("delete", "vpngateway", "hq", "-n", "braid-system", "--wait=true");
    cluster.helm("uninstall", "braid", "--wait");
    RealCluster.phase("helm uninstall", t);
    await("namespace braid-system gone")
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> cluster.kubectl("get", "namespaces", "-o", "name"),
            n -> !n.contains("braid-system"));
    assertThat(cluster.kubectl("get", "clusterroles,clusterrolebindings", "-o", "name"))
        .doesNotContain("braid");
    // Helm never deletes what a chart's crds/ folder installed (it would delete every gateway)
    assertThat(cluster.kubectl("get", "crd", "-o", "name")).contains("vpngateways.braid.dev");
    cluster.kubectl("delete", "-f", "deploy/helm/braid/crds/", "--wait=true");
    Files.delete(gw);
  }

  /**
   * Equal values, numbers by value: kustomize rewrites the CRDs' {@code 6.7108864E7} as {@code
   * 67108864}, Helm copies the file as it is (which a YAML 1.1 reader takes for a string).
   */
  private static final Comparator<JsonNode> NUMBERS_BY_VALUE =
      (a, b) -> {
        if (a.equals(b)) {
          return 0;
        }
        BigDecimal x = number(a);
        BigDecimal y = number(b);
        return x != null && y != null && x.compareTo(y) == 0 ? 0 : 1;
      };

  private static BigDecimal number(JsonNode n) {
    if (n.isNumber()) {
      return n.decimalValue();
    }
    if (n.isTextual()) {
      try {
        return new BigDecimal(n.textValue());
      } catch (NumberFormatException notANumber) {
        return null;
      }
    }
    return null;
  }

  /** Objects by apiVersion/kind/namespace/name, comments and document order aside. */
  private static Map<String, JsonNode> objects(String yaml) throws IOException {
    Map<String, JsonNode> objects = new TreeMap<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNext()) {
        JsonNode o = docs.next();
        if (o == null || o.isNull() || o.isMissingNode() || o.isEmpty()) {
          continue;
        }
        String key =
            o.path("apiVersion").asText()
                + "/"
                + o.path("kind").asText()
                + "/"
                + o.at("/metadata/namespace").asText("")
                + "/"
                + o.at("/metadata/name").asText();
        assertThat(objects.put(key, o)).as("%s rendered twice", key).isNull();
      }
    }
    return objects;
  }
}
