package dev.braid.operator.model;

import static dev.braid.operator.testing.Gateways.gateway;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.api.config.AgentConfig;
import dev.braid.api.config.AgentConfigParser;
import dev.braid.api.v1alpha1.ControlChannelProtection;
import dev.braid.api.v1alpha1.TlsSettings;
import dev.braid.api.v1alpha1.Transport;
import dev.braid.api.v1alpha1.VPNGateway;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentDaemonSetTest {
  private static String hash(DaemonSet ds) {
    return ds.getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get(GatewayNames.CONFIG_HASH_ANNOTATION);
  }

  @Test
  void podRunsOnTheHostNetworkWithTunAndNetAdmin() {
    VPNGateway g = gateway("ns", "gw");
    g.getSpec().transports = List.of(Transport.UDP, Transport.TCP);
    DaemonSet ds = AgentDaemonSet.desired(g, "img:1");
    var pod = ds.getSpec().getTemplate().getSpec();

    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    var c = pod.getContainers().getFirst();
    assertThat(c.getImage()).isEqualTo("img:1");
    assertThat(c.getSecurityContext().getCapabilities().getAdd()).containsExactly("NET_ADMIN");
    assertThat(c.getPorts())
        .extracting(p -> p.getContainerPort() + "/" + p.getProtocol())
        .containsExactly("1194/UDP", "1194/TCP", "9464/TCP");
    assertThat(c.getEnv())
        .allSatisfy(
            e -> assertThat(e.getValueFrom().getFieldRef().getApiVersion()).isEqualTo("v1"));
    assertThat(ds.getSpec().getSelector().getMatchLabels()).isEqualTo(GatewayNames.selector("gw"));
  }

  @Test
  void gatewaysSharingANodeGetTheirOwnControlPortAndTunDevice() {
    VPNGateway first = gateway("ns", "a");
    VPNGateway second = gateway("ns", "b");
    second.getSpec().port = 1195;
    var a = AgentDaemonSet.desired(first, "img").getSpec().getTemplate().getSpec();
    var b = AgentDaemonSet.desired(second, "img").getSpec().getTemplate().getSpec();

    assertThat(a.getContainers().getFirst().getArgs()).containsSubsequence("--tun", "braid1194");
    assertThat(b.getContainers().getFirst().getArgs()).containsSubsequence("--tun", "braid1195");
    assertThat(probePort(a)).isEqualTo(9464);
    assertThat(probePort(b)).isEqualTo(9465);
    assertThat(AgentConfigRenderer.render(second).control().httpPort()).isEqualTo(9465);

    second.getSpec().controlPort = 9100;
    var c = AgentDaemonSet.desired(second, "img").getSpec().getTemplate().getSpec();
    assertThat(probePort(c)).isEqualTo(9100);
    assertThat(c.getContainers().getFirst().getPorts())
        .extracting(p -> p.getName() + "=" + p.getContainerPort())
        .contains("http=9100");
    second.getSpec().controlPort = null;
    second.getSpec().port = 60000;
    assertThat(AgentPaths.controlPort(second.getSpec())).isEqualTo(60000 - 8270);
  }

  private static int probePort(io.fabric8.kubernetes.api.model.PodSpec pod) {
    var c = pod.getContainers().getFirst();
    assertThat(c.getLivenessProbe()).as("a taken control port must not restart the agent").isNull();
    return c.getReadinessProbe().getHttpGet().getPort().getIntVal();
  }

  @Test
  void podHasResourcesAndTheRuntimesSeccompProfile() {
    VPNGateway g = gateway("ns", "gw");
    var pod = AgentDaemonSet.desired(g, "img").getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var resources = pod.getContainers().getFirst().getResources();
    assertThat(resources.getRequests()).containsKeys("cpu", "memory");
    assertThat(resources.getLimits()).containsOnlyKeys("memory");

    g.getSpec().resources =
        new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
            .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("2"))
            .build();
    assertThat(
            AgentDaemonSet.desired(g, "img")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getResources())
        .isEqualTo(g.getSpec().resources);
  }

  @Test
  void onlySettingsThatNeedARestartChangeTheHash() {
    VPNGateway g = gateway("ns", "gw");
    String base = hash(AgentDaemonSet.desired(g, "img"));
    g.getSpec().routes = List.of("10.96.0.0/12");
    g.getSpec().renegotiateSeconds = 600;
    g.getSpec().nat = false; // applied live by the agents
    g.getMetadata().setGeneration(7L);
    assertThat(hash(AgentDaemonSet.desired(g, "img"))).isEqualTo(base);
    g.getSpec().mtu = 1400;
    assertThat(hash(AgentDaemonSet.desired(g, "img"))).isNotEqualTo(base);
  }

  @Test
  void ownSecretIsMountedWithoutCrlAndNoControlKeyWhenUnwrapped() {
    VPNGateway g = gateway("ns", "gw");
    g.getSpec().tls = new TlsSettings();
    g.getSpec().tls.secretName = "mine";
    g.getSpec().tls.controlChannel = ControlChannelProtection.NONE;
    var secret =
        AgentDaemonSet.desired(g, "img").getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getSecret() != null)
            .findFirst()
            .orElseThrow()
            .getSecret();
    assertThat(secret.getSecretName()).isEqualTo("mine");
    assertThat(secret.getItems())
        .extracting(i -> i.getKey())
        .containsExactly("ca.crt", "tls.crt", "tls.key");
  }

  @Test
  void renderedConfigIsAcceptedByTheAgentParser() throws Exception {
    VPNGateway g = gateway("ns", "gw");
    g.getMetadata().setUid("u");
    AgentConfig parsed =
        AgentConfigParser.parse(AgentConfigRenderer.renderYaml(g, java.util.List.of()), "test");
    assertThat(parsed.tls().caFile()).isEqualTo("/etc/braid/tls/ca.crt");
    assertThat(parsed.tls().crlFile()).isEqualTo("/etc/braid/tls/crl.pem");
    assertThat(parsed.ciphers()).isEqualTo(AgentConfigRenderer.DEFAULT_CIPHERS);
    assertThat(parsed.gateway().uid()).isEqualTo("u");
  }
}
