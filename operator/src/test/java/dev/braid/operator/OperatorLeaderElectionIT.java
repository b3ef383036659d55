package dev.braid.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.api.testing.KubeApiServerFixture;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.operator.model.GatewayNames;
import dev.braid.operator.testing.Gateways;
import dev.braid.operator.testing.OperatorProcess;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two operator processes (the packaged jar) with leader election, authenticated as the {@code
 * braid-operator} ServiceAccount of {@code deploy/} by a token: one leads and reconciles, the other
 * stands by ready and writes nothing, and takes over when the leader stops (gracefully: the Lease
 * is handed over) or dies (the Lease expires).
 */
class OperatorLeaderElectionIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** Short Lease timing so that the expiry case stays well inside the test's time budget. */
  private static final Map<String, String> ENV =
      Map.of(
          "BRAID_NAMESPACE", "braid-system",
          "BRAID_AGENT_IMAGE", "registry.example/braid-agent:it",
          "BRAID_LEASE_DURATION", "8s",
          "BRAID_LEASE_RENEW_DEADLINE", "6s",
          "BRAID_LEASE_RETRY_PERIOD", "1s");

  static KubeApiServerFixture api;
  static KubernetesClient admin;
  static Path operatorKubeconfig;
  final List<OperatorProcess> processes = new ArrayList<>();

  @BeforeAll
  static void startApiServer() throws Exception {
    api = KubeApiServerFixture.start();
    admin = api.client();
    api.installDeploy("../deploy"); // CRDs included, as a user installs
    operatorKubeconfig = serviceAccountKubeconfig();
  }

  @AfterAll
  static void stopApiServer() throws IOException {
    if (operatorKubeconfig != null) {
      Files.deleteIfExists(operatorKubeconfig);
    }
    if (api != null) {
      api.close();
    }
  }

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (OperatorProcess p : processes) {
      p.close();
    }
  }

  @Test
  void oneReplicaLeadsTheStandbyWritesNothingAndTakesOverOnShutdownAndOnCrash() throws Exception {
    OperatorProcess a = start("operator-a");
    OperatorProcess b = start("operator-b");
    String first = await().atMost(TIMEOUT).until(this::holder, h -> h.isPresent()).orElseThrow();
    OperatorProcess leader = first.equals(a.identity()) ? a : b;
    OperatorProcess standby = leader == a ? b : a;
    assertThat(first).isIn(a.identity(), b.identity());

    // probes: both live and ready, each says which it is
    await().atMost(TIMEOUT).until(() -> leader.get("/readyz").statusCode() == 200);
    await().atMost(TIMEOUT).until(() -> standby.get("/readyz").statusCode() == 200);
    assertThat(leader.get("/readyz").body()).startsWith("ready: leader " + leader.identity());
    assertThat(standby.get("/readyz").body())
        .startsWith("ready: standby " + standby.identity() + ", leader is " + leader.identity());
    assertThat(standby.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(leaderGauge(leader)).isEqualTo(1.0);
    assertThat(leaderGauge(standby)).isEqualTo(0.0);

    // only the leader reconciles
    String ns = namespace("leader");
    admin.resource(Gateways.gateway(ns, "hq")).create();
    VPNGateway invalid = Gateways.gateway(ns, "loop");
    invalid.getSpec().routes = List.of("10.0.0.0/8");
    admin.resource(invalid).create();
    awaitObject(DaemonSet.class, ns, GatewayNames.agent("hq"));
    await().atMost(TIMEOUT).until(() -> reconciliations(leader, "hq") >= 1);
    await().atMost(TIMEOUT).until(() -> reconciliations(leader, "loop") >= 1);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> metric(leader, "operator_sdk_reconciliations_success_total", "name=\"hq\"") >= 1);
    Files.writeString(
        Path.of("target", "operator-processes", "leader-metrics.txt"),
        leader.get("/metrics").body());
    assertThat(reconciliations(standby, "hq")).isZero();
    assertThat(reconciliations(standby, "loop")).isZero();
    assertThat(reconcileLogLines(standby)).isEmpty();

    // logs: a line written during a reconcile names the resource in its MDC
    JsonNode warning =
        await()
            .atMost(TIMEOUT)
            .until(
                () ->
                    reconcileLogLines(leader).stream()
                        .filter(l -> "loop".equals(l.path("mdc").path("resource.name").asText()))
                        .filter(l -> l.path("formattedMessage").asText().contains("not rolled out"))
                        .findFirst(),
                Optional::isPresent)
            .orElseThrow();
    assertThat(warning.path("mdc").path("resource.namespace").asText()).isEqualTo(ns);
    assertThat(warning.path("mdc").path("resource.kind").asText()).isEqualTo("VPNGateway");

    // graceful stop: SIGTERM; the leader hands the Lease over before it exits
    int exit = leader.terminate(TIMEOUT);
    Optional<String> holderAfterExit = holder();
    System.out.printf(
        "leader %s exited %d after SIGTERM; Lease holder right after: %s%n",
        leader.identity(), exit, holderAfterExit.orElse("(none)"));
    assertThat(holderAfterExit).isNotEqualTo(Optional.of(leader.identity()));
    await().atMost(TIMEOUT).until(this::holder, h -> h.equals(Optional.of(standby.identity())));
    await().atMost(TIMEOUT).until(() -> standby.get("/readyz").body().startsWith("ready: leader "));
    routeReachesConfig(ns, "10.96.0.0/12");
    assertThat(reconciliations(standby, "hq")).isPositive();

    // crash: SIGKILL leaves the Lease to expire; the restarted old leader, now standby, takes it
    OperatorProcess restarted = start(leader.identity());
    await()
        .atMost(TIMEOUT)
        .until(() -> restarted.get("/readyz").body().startsWith("ready: standby "));
    standby.kill();
    await().atMost(TIMEOUT).until(this::holder, h -> h.equals(Optional.of(restarted.identity())));
    routeReachesConfig(ns, "10.97.0.0/16");

    // a leader that finds the Lease taken (e.g. it was paused past the duration) exits at once
    admin
        .leases()
        .inNamespace("braid-system")
        .withName(OperatorSettings.LEASE_NAME)
        .edit(
            l -> {
              l.getSpec().setHolderIdentity("someone-else");
              return l;
            });
    assertThat(restarted.awaitExit(TIMEOUT)).contains(1);
    assertThat(messages(restarted)).anyMatch(m -> m.startsWith("lost Lease braid-system/"));
  }

  /**
   * The switch off ({@code braid.test.josdk-lease-handling}): JOSDK calls System.exit when the
   * shutdown hook stops its elector, which deadlocks the JVM's shutdown, and nobody releases the
   * Lease; a Deployment's pod would hang until SIGKILL and the standby would wait for expiry.
   */
  @Test
  void withJosdkLeaseHandlingAStoppedLeaderHangsAndKeepsTheLease() throws Exception {
    Map<String, String> env = new HashMap<>(ENV);
    env.put("JAVA_TOOL_OPTIONS", "-D" + BraidOperator.JOSDK_LEASE_HANDLING + "=true");
    OperatorProcess legacy = start("legacy", env);
    await().atMost(TIMEOUT).until(this::holder, h -> h.equals(Optional.of(legacy.identity())));

    legacy.sigterm();
    Optional<Integer> exit = legacy.awaitExit(Duration.ofSeconds(15));
    Optional<String> holder = holder();
    System.out.printf(
        "JOSDK lease handling: exit 15 s after SIGTERM: %s; Lease holder: %s%n",
        exit.map(String::valueOf).orElse("still running"), holder.orElse("(none)"));
    assertThat(exit).isEmpty();
    assertThat(holder).contains(legacy.identity());
    assertThat(messages(legacy)).contains("Stopped leading for identity: legacy. Exiting.");
  }

  private OperatorProcess start(String identity) throws IOException {
    return start(identity, ENV);
  }

  private OperatorProcess start(String identity, Map<String, String> env) throws IOException {
    OperatorProcess p = OperatorProcess.start(identity, operatorKubeconfig, env);
    processes.add(p);
    p.awaitStarted(TIMEOUT);
    return p;
  }

  /** Edits the gateway's routes and waits until the leader has rendered them into the config. */
  private static void routeReachesConfig(String ns, String route) {
    await()
        .atMost(TIMEOUT)
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(
            () -> {
              VPNGateway g = admin.resources(VPNGateway.class).inNamespace(ns).withName("hq").get();
              g.getSpec().routes = List.of(route);
              admin.resource(g).update();
              return true;
            });
    awaitObject(
        ConfigMap.class,
        ns,
        GatewayNames.config("hq"),
        c -> c.getData().values().stream().anyMatch(v -> v.contains(route)));
  }

  private Optional<String> holder() {
    Lease lease =
        admin.leases().inNamespace("braid-system").withName(OperatorSettings.LEASE_NAME).get();
    return Optional.ofNullable(lease)
        .map(l -> l.getSpec().getHolderIdentity())
        .filter(h -> !h.isEmpty());
  }

  private static List<String> messages(OperatorProcess p) {
    return p.logLines().stream().map(l -> l.path("formattedMessage").asText()).toList();
  }

  private static List<JsonNode> reconcileLogLines(OperatorProcess p) {
    return p.logLines().stream().filter(l -> l.path("mdc").has("resource.name")).toList();
  }

  /** {@code operator_sdk_reconciliations_started_total} of one gateway, 0 when absent. */
  private static double reconciliations(OperatorProcess p, String gateway) throws Exception {
    return metric(p, "operator_sdk_reconciliations_started_total", "name=\"" + gateway + "\"");
  }

  private static double leaderGauge(OperatorProcess p) throws Exception {
    return metric(p, "braid_operator_leader", "");
  }

  static double metric(OperatorProcess p, String name, String labelPart) throws Exception {
    HttpResponse<String> response = p.get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return response
        .body()
        .lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .filter(l -> l.contains(labelPart))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T awaitObject(
      Class<T> kind, String ns, String name) {
    return awaitObject(kind, ns, name, x -> true);
  }

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T awaitObject(
      Class<T> kind, String ns, String name, java.util.function.Predicate<T> condition) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () -> admin.resources(kind).inNamespace(ns).withName(name).get(),
            o -> o != null && condition.test(o));
  }

  private static String namespace(String prefix) {
    String name = "braid-" + prefix + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    admin
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  /**
   * A kubeconfig that authenticates with a token of the {@code braid-operator} ServiceAccount
   * (TokenRequest API), so the processes run with exactly the RBAC of {@code deploy/}, as in a pod.
   */
  private static Path serviceAccountKubeconfig() throws Exception {
    String token =
        api.kubectl("create", "token", "braid-operator", "-n", "braid-system", "--duration=2h")
            .strip();
    Config config = Config.fromKubeconfig(Files.readString(api.kubeconfig()));
    String ca =
        config.getCaCertData() != null
            ? config.getCaCertData()
            : Base64.getEncoder()
                .encodeToString(Files.readAllBytes(Path.of(config.getCaCertFile())));
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: it
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: braid-operator
          user:
            token: %s
        contexts:
        - name: it
          context:
            cluster: it
            user: braid-operator
            namespace: braid-system
        current-context: it
        """
            .formatted(config.getMasterUrl(), ca, token);
    Path file = Files.createTempFile("braid-operator-sa", ".kubeconfig");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }
}
