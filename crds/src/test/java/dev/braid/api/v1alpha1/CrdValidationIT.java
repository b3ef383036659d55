package dev.braid.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.braid.api.testing.KubeApiServerFixture;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs against a real kube-apiserver: they install, the documented examples are accepted with
 * their defaults filled in, every invalid fixture is rejected with its own message, and {@code
 * kubectl get} shows the printer columns.
 */
class CrdValidationIT {
  static final Path EXAMPLES = Path.of("../deploy/examples");
  static final Path INVALID = Path.of("src/test/resources/invalid");
  static final String NS = "braid-system";

  static KubeApiServerFixture api;
  static KubernetesClient client;

  @BeforeAll
  static void startApiServer() throws IOException {
    api = KubeApiServerFixture.start();
    client = api.client();
    api.installCrds();
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
  }

  @AfterAll
  static void stopApiServer() throws IOException {
    if (api != null) {
      api.close();
    }
  }

  static Stream<Path> examples() throws IOException {
    return Files.list(EXAMPLES).filter(p -> p.toString().endsWith(".yaml")).sorted();
  }

  static Stream<Path> invalidFixtures() throws IOException {
    return Files.list(INVALID).filter(p -> p.toString().endsWith(".yaml")).sorted();
  }

  @Test
  void kindsAreServedWithShortNames() throws Exception {
    String resources = api.kubectl("api-resources", "--api-group=braid.dev", "--no-headers");
    assertThat(resources.lines())
        .anyMatch(
            l -> l.matches("vpngateways\\s+vpngw\\s+braid.dev/v1alpha1\\s+true\\s+VPNGateway"))
        .anyMatch(l -> l.matches("vpnclients\\s+vpnc\\s+braid.dev/v1alpha1\\s+true\\s+VPNClient"))
        .anyMatch(
            l ->
                l.matches(
                    "vpngatewaynodes\\s+vpngwn\\s+braid.dev/v1alpha1\\s+true\\s+VPNGatewayNode"));
  }

  @ParameterizedTest
  @MethodSource("examples")
  void exampleIsAccepted(Path example) throws IOException {
    try (InputStream in = Files.newInputStream(example)) {
      List<HasMetadata> objects = client.load(in).items();
      assertThat(objects).isNotEmpty();
      for (HasMetadata object : objects) {
        HasMetadata stored = client.resource(object).serverSideApply();
        assertThat(stored.getMetadata().getUid()).isNotBlank();
      }
    }
  }

  @Test
  void defaultsAreFilledIn() {
    VPNGateway gw = new VPNGateway();
    gw.getMetadata().setName("defaults");
    gw.getMetadata().setNamespace(NS);
    gw.setSpec(new VPNGatewaySpec());
    gw.getSpec().network = new TunnelNetwork();
    gw.getSpec().network.ipv4 = "10.20.0.0/24";
    gw.getSpec().keepalive = new Keepalive();

    VPNGatewaySpec stored = client.resource(gw).create().getSpec();

    assertThat(stored.mode).isEqualTo(GatewayMode.SERVER);
    assertThat(stored.port).isEqualTo(1194);
    assertThat(stored.mtu).isEqualTo(1500);
    assertThat(stored.renegotiateSeconds).isEqualTo(3600);
    assertThat(stored.duplicateCommonNames).isFalse();
    assertThat(stored.receiveHoldMicros).isNull(); // the agent's default applies
    assertThat(stored.keepalive.intervalSeconds).isEqualTo(10);
    assertThat(stored.keepalive.timeoutSeconds).isEqualTo(60);
  }

  @ParameterizedTest
  @MethodSource("invalidFixtures")
  void invalidFixtureIsRejectedWithItsMessage(Path fixture) throws IOException {
    String expected = Files.readAllLines(fixture).getFirst().replaceFirst("^# expect: ", "");
    List<HasMetadata> objects;
    try (InputStream in = Files.newInputStream(fixture)) {
      objects = client.load(in).items();
    }
    assertThat(objects).hasSize(1);
    HasMetadata object = objects.getFirst();
    object.getMetadata().setNamespace(NS);
    object.getMetadata().setName(fixture.getFileName().toString().replace(".yaml", ""));

    KubernetesClientException rejection =
        catchThrowableOfType(
            KubernetesClientException.class, () -> client.resource(object).create());

    assertThat(rejection).as("%s was accepted", fixture.getFileName()).isNotNull();
    assertThat(rejection.getCode()).isEqualTo(422);
    assertThat(rejection.getStatus().getDetails().getCauses())
        .as("causes of the rejection of %s", fixture.getFileName())
        .first()
        .extracting(c -> c.getField() + ": " + c.getMessage())
        .isEqualTo(expected);
  }

  @Test
  void clientCannotMoveToAnotherGateway() {
    VPNClient c = new VPNClient();
    c.getMetadata().setName("bob");
    c.getMetadata().setNamespace(NS);
    c.setSpec(new VPNClientSpec());
    c.getSpec().gateway = "office";
    client.resource(c).create();

    c.getSpec().gateway = "branch";
    assertThatThrownBy(() -> client.resource(c).update())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.gateway cannot be changed; create a new VPNClient");
  }

  @Test
  void kubectlGetShowsWhetherItWorks() throws Exception {
    VPNGateway gw = new VPNGateway();
    gw.getMetadata().setName("columns");
    gw.getMetadata().setNamespace(NS);
    gw.setSpec(new VPNGatewaySpec());
    gw.getSpec().port = 51820;
    gw.getSpec().network = new TunnelNetwork();
    gw.getSpec().network.ipv4 = "10.30.0.0/24";
    VPNGateway created = client.resource(gw).create();
    created.setStatus(new VPNGatewayStatus());
    created.getStatus().nodesReady = "2/3";
    created.getStatus().sessions = 7;
    created.getStatus().conditions =
        List.of(
            new ConditionBuilder()
                .withType("Ready")
                .withStatus("False")
                .withReason("NodesNotServing")
                .withMessage("1 of 3 nodes is not serving")
                .withLastTransitionTime("2026-11-21T00:00:00Z")
                .build());
    client.resource(created).updateStatus();

    List<String> lines = api.kubectl("get", "vpngw", "columns", "-n", NS).lines().toList();

    assertThat(lines.getFirst().split("\\s+"))
        .containsExactly("NAME", "READY", "REASON", "NODES", "SESSIONS", "PORT", "AGE");
    assertThat(lines.get(1))
        .matches("columns\\s+False\\s+NodesNotServing\\s+2/3\\s+7\\s+51820\\s+\\S+");

    assertThat(api.kubectl("get", "vpnc", "-n", NS).lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "GATEWAY", "READY", "CONNECTED", "ADDRESS", "EXPIRES", "AGE");
    assertThat(api.kubectl("get", "vpngwn", "-n", NS).trim())
        .isEqualTo("No resources found in braid-system namespace.");
  }
}
