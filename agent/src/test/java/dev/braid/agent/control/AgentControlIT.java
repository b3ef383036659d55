package dev.braid.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.braid.api.testing.KubeApiServerFixture;
import dev.braid.api.v1alpha1.SessionStatus;
import dev.braid.api.v1alpha1.TunnelNetwork;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.api.v1alpha1.VPNGatewayNode;
import dev.braid.api.v1alpha1.VPNGatewaySpec;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control side against a real kube-apiserver: it creates its VPNGatewayNode owned by the
 * gateway, republishes when the data plane's state changes, reports a refused config in status
 * while the old one keeps running, and serves health and metrics.
 */
class AgentControlIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  static KubeApiServerFixture api;

  @TempDir Path root;

  @BeforeAll
  static void start() throws Exception {
    api = KubeApiServerFixture.start();
    api.installCrds();
  }

  @AfterAll
  static void stop() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void publishesTheNodeReportAndRefusesABadConfigVisibly() throws Exception {
    var client = api.client();
    String ns = "braid-agent-it";
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    VPNGateway gw = new VPNGateway();
    gw.getMetadata().setName("edge");
    gw.getMetadata().setNamespace(ns);
    gw.setSpec(new VPNGatewaySpec());
    gw.getSpec().network = new TunnelNetwork();
    gw.getSpec().network.ipv4 = "10.8.0.0/24";
    gw = client.resource(gw).create();

    ConfigFixture f = new ConfigFixture(root);
    f.write(f.document(ns, gw.getMetadata().getUid(), 1194, "10.96.0.0/12"));
    AtomicReference<DataPlaneStatus.Snapshot> state =
        new AtomicReference<>(DataPlaneStatus.Snapshot.idle());
    try (ControlPlane plane =
            ControlPlane.start(
                f.file(),
                "node-a",
                List.of("192.0.2.10"),
                state::get,
                (p, n, r) -> {},
                client,
                0,
                Clock.systemUTC());
        HttpClient http = HttpClient.newHttpClient()) {
      var nodes = client.resources(VPNGatewayNode.class).inNamespace(ns);
      VPNGatewayNode first =
          await()
              .atMost(TIMEOUT)
              .until(
                  () -> nodes.withName("edge-node-a").get(),
                  n -> n != null && n.getStatus() != null);
      assertThat(first.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              o ->
                  assertThat(o.getUid())
                      .isEqualTo(client.resource(gwRef(ns)).get().getMetadata().getUid()));
      assertThat(first.getSpec().node).isEqualTo("node-a");
      assertThat(first.getStatus().serving).isFalse();
      assertThat(first.getStatus().addresses).containsExactly("192.0.2.10");
      assertThat(status(http, plane, "/readyz")).isEqualTo(503);

      SessionStatus session = new SessionStatus();
      session.commonName = "alice";
      session.tunnelAddresses = List.of("10.8.0.2");
      state.set(
          new DataPlaneStatus.Snapshot(
              true,
              2,
              List.of(session),
              null,
              1,
              Map.of(),
              Map.of(),
              Map.of(),
              0,
              Map.of(),
              List.of()));
      VPNGatewayNode serving =
          await()
              .atMost(TIMEOUT)
              .until(
                  () -> nodes.withName("edge-node-a").get(),
                  n -> Boolean.TRUE.equals(n.getStatus().serving));
      assertThat(serving.getStatus().sessionCount).isEqualTo(1);
      assertThat(serving.getStatus().sessions.getFirst().commonName).isEqualTo("alice");
      assertThat(status(http, plane, "/readyz")).isEqualTo(200);

      f.write(f.document(ns, gw.getMetadata().getUid(), 1194, "10.8.0.0/16"));
      VPNGatewayNode refused =
          await()
              .atMost(TIMEOUT)
              .until(
                  () -> nodes.withName("edge-node-a").get(), n -> n.getStatus().lastError != null);
      assertThat(refused.getStatus().lastError.reason).isEqualTo("ConfigInvalid");
      assertThat(refused.getStatus().lastError.message).contains("routes[0]");
      assertThat(refused.getStatus().serving).as("sessions survive a refused config").isTrue();
      assertThat(plane.reloader().current().routes()).containsExactly("10.96.0.0/12");
      assertThat(body(http, plane, "/metrics"))
          .contains("braid_agent_config_reloads_total{result=\"refused\"} 1");
    }
  }

  private static VPNGateway gwRef(String ns) {
    VPNGateway g = new VPNGateway();
    g.getMetadata().setName("edge");
    g.getMetadata().setNamespace(ns);
    return g;
  }

  private static int status(HttpClient http, ControlPlane plane, String path) throws Exception {
    return http.send(request(plane, path), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String body(HttpClient http, ControlPlane plane, String path) throws Exception {
    return http.send(request(plane, path), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static HttpRequest request(ControlPlane plane, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plane.httpPort() + path))
        .build();
  }
}
