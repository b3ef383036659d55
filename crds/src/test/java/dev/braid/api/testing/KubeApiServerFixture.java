package dev.braid.api.testing;

import dev.braid.api.build.CrdFinisher;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real kube-apiserver + etcd for integration tests, started from the binaries that {@code
 * e2e/bin/kube-api-binaries.sh} builds, never downloaded. Fails with a clear message when they are
 * missing.
 */
public final class KubeApiServerFixture implements AutoCloseable {
  /** Kubernetes version of the binaries; the build passes it as {@code braid.k8s.version}. */
  public static final String VERSION = System.getProperty("braid.k8s.version", "1.34.4");

  private final KubeAPIServer server;
  private final Path kubeconfig;
  private final KubernetesClient client;

  private KubeApiServerFixture(KubeAPIServer server, Path kubeconfig, KubernetesClient client) {
    this.server = server;
    this.kubeconfig = kubeconfig;
    this.client = client;
  }

  /**
   * Folder holding {@code kube-apiserver}, {@code etcd} and {@code kubectl} for {@link #VERSION}.
   */
  public static Path binaries() {
    String root = System.getenv("KUBE_API_TEST_DIR");
    Path base =
        root != null ? Path.of(root) : Path.of(System.getProperty("user.home"), ".kubeapitest");
    return base.resolve("k8s").resolve(VERSION + "-linux-amd64");
  }

  /** Starts the API server and waits until it serves. */
  public static KubeApiServerFixture start() throws IOException {
    for (String binary : List.of("kube-apiserver", "etcd", "kubectl")) {
      if (!Files.isExecutable(binaries().resolve(binary))) {
        throw new IllegalStateException(
            binaries().resolve(binary)
                + " is missing: run e2e/bin/kube-api-binaries.sh (builds Kubernetes "
                + VERSION
                + " from the Go module proxy) before the integration tests");
      }
    }
    KubeAPIServer server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion(VERSION)
                .withOfflineMode(true)
                .withUpdateKubeConfig(false)
                .build());
    server.start();
    String yaml = server.getKubeConfigYaml();
    Path kubeconfig = Files.createTempFile("braid-kubeconfig", ".yaml");
    Files.writeString(kubeconfig, yaml);
    KubernetesClient client =
        new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(yaml)).build();
    return new KubeApiServerFixture(server, kubeconfig, client);
  }

  /** A client with the API server's admin credentials. */
  public KubernetesClient client() {
    return client;
  }

  /** The kubeconfig file, for processes such as {@code kubectl} or an operator under test. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /**
   * Installs every Braid CRD from the build's generated YAML and waits until each is established.
   */
  public void installCrds() throws IOException {
    for (var kind : CrdFinisher.KINDS) {
      String resource = "/META-INF/fabric8/" + CrdFinisher.fileName(kind);
      try (InputStream in = KubeApiServerFixture.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(resource + " is not on the classpath: build crds first");
        }
        CustomResourceDefinition crd =
            client.apiextensions().v1().customResourceDefinitions().load(in).item();
        client.resource(crd).serverSideApply();
      }
    }
    awaitCrdsEstablished();
  }

  /**
   * Installs Braid as a user does, {@code kubectl apply --server-side -k deploy/} (CRDs included),
   * and waits until the CRDs are established. {@code deploy} is the path of the repository's {@code
   * deploy/} folder as seen from the test's working directory.
   */
  public void installDeploy(String deploy) throws IOException, InterruptedException {
    kubectl("apply", "--server-side", "-k", deploy);
    awaitCrdsEstablished();
  }

  /** Waits until every Braid CRD is established (its kinds can be created). */
  public void awaitCrdsEstablished() {
    for (var kind : CrdFinisher.KINDS) {
      String name = io.fabric8.kubernetes.client.CustomResource.getCRDName(kind);
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(name)
          .waitUntilCondition(
              c ->
                  c != null
                      && c.getStatus() != null
                      && c.getStatus().getConditions() != null
                      && c.getStatus().getConditions().stream()
                          .anyMatch(
                              x ->
                                  "Established".equals(x.getType())
                                      && "True".equals(x.getStatus())),
              60,
              TimeUnit.SECONDS);
    }
  }

  /**
   * Runs {@code kubectl} against this API server and returns its output; fails on a non-zero exit.
   */
  public String kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(binaries().resolve("kubectl").toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("kubectl " + String.join(" ", args) + " timed out");
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          "kubectl " + String.join(" ", args) + " exited " + p.exitValue() + ": " + out);
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    client.close();
    server.stop();
    Files.deleteIfExists(kubeconfig);
  }
}
