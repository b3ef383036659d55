package dev.braid.operator.testing;

import dev.braid.api.testing.KubeApiServerFixture;
import dev.braid.operator.BraidOperator;
import dev.braid.operator.OperatorSettings;
import dev.braid.operator.model.GatewayNames;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * kube-apiserver + CRDs + {@code deploy/} applied with kubectl + the operator impersonating {@code
 * system:serviceaccount:braid-system:braid-operator}, so every API call the operator makes is
 * checked against the shipped RBAC.
 */
public final class OperatorCluster implements AutoCloseable {
  /** Namespace of the operator (and of its Lease). */
  public static final String OPERATOR_NAMESPACE = "braid-system";

  /** The operator's ServiceAccount user name. */
  public static final String OPERATOR_USER =
      "system:serviceaccount:" + OPERATOR_NAMESPACE + ":braid-operator";

  /** Agent image the tests configure. */
  public static final String AGENT_IMAGE = "registry.example/braid-agent:it";

  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private final KubeApiServerFixture api;
  private final KubernetesClient operatorClient;
  private final boolean leaderElection;
  private BraidOperator operator;

  private OperatorCluster(
      KubeApiServerFixture api, KubernetesClient operatorClient, boolean leaderElection) {
    this.api = api;
    this.operatorClient = operatorClient;
    this.leaderElection = leaderElection;
  }

  /**
   * Starts the API server, installs CRDs and {@code deploy/}, and starts the operator with leader
   * election.
   */
  public static OperatorCluster start() throws Exception {
    return start(true);
  }

  /**
   * Like {@link #start()}; {@code leaderElection} false starts reconciling at once, as a single
   * replica with {@code BRAID_LEADER_ELECTION=false} does.
   */
  public static OperatorCluster start(boolean leaderElection) throws Exception {
    KubeApiServerFixture api = KubeApiServerFixture.start();
    api.installDeploy("../deploy"); // CRDs included, as a user installs
    KubernetesClient operatorClient = impersonating(api, OPERATOR_USER, OPERATOR_NAMESPACE);
    OperatorCluster cluster = new OperatorCluster(api, operatorClient, leaderElection);
    cluster.startOperator();
    return cluster;
  }

  /** (Re)starts the operator process in this JVM. */
  public void startOperator() throws IOException {
    System.setProperty("braid.agent.image", AGENT_IMAGE);
    operator =
        BraidOperator.start(
            operatorClient,
            new OperatorSettings(AGENT_IMAGE, 0, leaderElection, OPERATOR_NAMESPACE),
            false);
  }

  /** Stops the operator; the API server keeps running. */
  public void stopOperator() {
    if (operator != null) {
      operator.close();
      operator = null;
    }
  }

  /** The operator's Prometheus text. */
  public String metrics() throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + operator.httpPort() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  /** Admin client (system:masters), for the test's own reads and writes. */
  public KubernetesClient admin() {
    return api.client();
  }

  /** The API server fixture, for kubectl. */
  public KubeApiServerFixture api() {
    return api;
  }

  /** A client that acts as the agents of a gateway (their ServiceAccount, their groups). */
  public KubernetesClient agent(String namespace, String gateway) {
    return impersonating(
        api, "system:serviceaccount:" + namespace + ":" + GatewayNames.agent(gateway), namespace);
  }

  /**
   * Writes a kubeconfig that authenticates as ServiceAccount {@code namespace/name} with a bound
   * token from the TokenRequest API, as a pod's mounted token would: a process using it gets
   * exactly the rights RBAC grants that ServiceAccount.
   */
  public Path serviceAccountKubeconfig(String namespace, String name, Path file)
      throws IOException, InterruptedException {
    String token = api.kubectl("create", "token", name, "-n", namespace, "--duration=1h").strip();
    Config admin = Config.fromKubeconfig(Files.readString(api.kubeconfig()));
    String ca =
        admin.getCaCertData() != null
            ? admin.getCaCertData()
            : Base64.getEncoder()
                .encodeToString(Files.readAllBytes(Path.of(admin.getCaCertFile())));
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: test
            cluster:
              server: %s
              certificate-authority-data: %s
        users:
          - name: %s
            user:
              token: %s
        contexts:
          - name: %3$s
            context:
              cluster: test
              user: %3$s
              namespace: %5$s
        current-context: %3$s
        """
            .formatted(admin.getMasterUrl(), ca, name, token, namespace));
    return file;
  }

  /** A client that acts as the operator's ServiceAccount. */
  public KubernetesClient operatorClient() {
    return operatorClient;
  }

  /** Creates a fresh namespace named {@code braid-<prefix>-<n>}. */
  public String namespace(String prefix) {
    String name = "braid-" + prefix + "-" + NAMESPACES.incrementAndGet();
    admin()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  private static KubernetesClient impersonating(
      KubeApiServerFixture api, String user, String namespace) {
    try {
      Config config = Config.fromKubeconfig(Files.readString(api.kubeconfig()));
      config.setImpersonateUsername(user);
      config.setImpersonateGroups(
          "system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated");
      return new KubernetesClientBuilder().withConfig(config).build();
    } catch (IOException e) {
      throw new IllegalStateException("reading " + api.kubeconfig(), e);
    }
  }

  @Override
  public void close() throws IOException {
    stopOperator();
    operatorClient.close();
    api.close();
  }
}
