package dev.braid.e2e.cluster;

import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.Prerequisites;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The single-node Kubernetes of {@code e2e/bin/cluster}, started once for every {@code *E2E} class
 * of a test run (see {@link RealClusterExtension}) and stopped when the run ends, leaving the host
 * as it was (the script's {@code down}, also from a JVM shutdown hook). Starting it builds the
 * images the way a user does ({@code deploy/images/build.sh}) plus the test images ({@code
 * e2e/bin/test-images.sh}), starts the node and imports them all into its containerd. Every phase's
 * time goes to the output and to {@code target/e2e-times.txt}.
 */
public final class RealCluster implements AutoCloseable {
  /** The repository root (the tests run in {@code e2e/}). */
  public static final Path REPO = Path.of("").toAbsolutePath().getParent();

  /** The node's address: API server, kubelet, and where clients reach the gateways. */
  public static final String NODE_IP = "10.213.0.1";

  /** The node's network namespace. */
  public static final String NODE_NETNS = "braid-node";

  /** The node's address on the pod bridge: what pods see as the source of masqueraded traffic. */
  public static final String POD_GATEWAY = "10.244.0.1";

  private static final Path OUT = Path.of("target").toAbsolutePath();
  private static final Path IMAGES = OUT.resolve("cluster-images");
  private static final Path KUBECONFIG = Path.of("/var/lib/braid-cluster/admin.kubeconfig");
  private static final String K8S_VERSION = System.getProperty("braid.k8s.version", "1.34.4");
  private static final String HELM_VERSION =
      System.getenv().getOrDefault("BRAID_HELM_VERSION", "4.3.2");

  private final KubernetesClient admin;
  private final Thread shutdownHook;
  private boolean closed;

  private RealCluster(KubernetesClient admin, Thread shutdownHook) {
    this.admin = admin;
    this.shutdownHook = shutdownHook;
  }

  /** Builds and imports the images and starts the node; fails loudly on a missing prerequisite. */
  static RealCluster start() throws IOException, InterruptedException {
    Prerequisites.require(
        "ip", "nft", "curl", "openvpn", "ping", "buildah", "debootstrap", "containerd", "go");
    for (Path binary : List.of(kubectl(), helm())) {
      if (!Files.isExecutable(binary)) {
        throw new IllegalStateException(binary + " is missing: run e2e/bin/kube-api-binaries.sh");
      }
    }
    Files.createDirectories(IMAGES);
    long t = System.nanoTime();
    script(Duration.ofMinutes(20), "deploy/images/build.sh", "--out", IMAGES.toString());
    script(Duration.ofMinutes(5), "e2e/bin/test-images.sh", "--out", IMAGES.toString());
    phase("images built (deploy/images/build.sh, e2e/bin/test-images.sh)", t);
    Thread hook =
        Thread.ofPlatform()
            .unstarted(
                () -> {
                  try {
                    down();
                  } catch (Exception e) {
                    System.err.println("[e2e] cluster down at exit failed: " + e);
                  }
                });
    Runtime.getRuntime().addShutdownHook(hook);
    t = System.nanoTime();
    try {
      script(Duration.ofMinutes(5), "e2e/bin/cluster", "up", "--images", IMAGES.toString());
    } catch (IOException | RuntimeException e) {
      down();
      throw e;
    }
    phase("cluster up (images imported, node Ready)", t);
    Config config = Config.fromKubeconfig(Files.readString(KUBECONFIG));
    return new RealCluster(new KubernetesClientBuilder().withConfig(config).build(), hook);
  }

  /** A client with the cluster admin's rights. */
  public KubernetesClient admin() {
    return admin;
  }

  /**
   * kubectl with the admin kubeconfig, in the repository root; throws with its output on failure.
   */
  public String kubectl(String... args) throws IOException {
    List<String> command =
        new ArrayList<>(List.of(kubectl().toString(), "--kubeconfig", KUBECONFIG.toString()));
    command.addAll(List.of(args));
    return run(command, Duration.ofMinutes(3));
  }

  /** helm with the admin kubeconfig, in the repository root. */
  public String helm(String... args) throws IOException {
    List<String> command =
        new ArrayList<>(List.of(helm().toString(), "--kubeconfig", KUBECONFIG.toString()));
    command.addAll(List.of(args));
    return run(command, Duration.ofMinutes(5));
  }

  /** A command inside the node's network namespace (nft, ip, curl), as the node sees things. */
  public String onNode(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", NODE_NETNS));
    command.addAll(List.of(args));
    return run(command, Duration.ofMinutes(1));
  }

  /** {@code ctr} on the node's containerd, in the Kubernetes namespace of images. */
  public String ctr(String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "ctr",
                "--address",
                "/run/braid-cluster/containerd/containerd.sock",
                "-n",
                "k8s.io"));
    command.addAll(List.of(args));
    return run(command, Duration.ofMinutes(2));
  }

  /**
   * A new network namespace wired to the node ({@code e2e/bin/cluster client}): its default route
   * leads to the node, which it reaches at {@link #NODE_IP}. Closing it removes the wiring too.
   */
  public NetNs client(String purpose) throws IOException {
    NetNs ns = NetNs.create(purpose);
    try {
      run(
          List.of(REPO.resolve("e2e/bin/cluster").toString(), "client", ns.name()),
          Duration.ofMinutes(1));
    } catch (IOException | RuntimeException e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  /**
   * Removes whatever an earlier class (or a failed one) installed: gateways first, so that their
   * agents clean up the node while the operator still runs, then the kustomize install and a Helm
   * release. Best effort; the classes assert their own uninstall.
   */
  public void removeBraid() {
    for (List<String> command :
        List.of(
            List.of(
                "delete",
                "vpnclients,vpngateways",
                "--all",
                "-A",
                "--wait=true",
                "--ignore-not-found"),
            List.of("delete", "-k", "deploy/", "--wait=true", "--ignore-not-found"))) {
      try {
        kubectl(command.toArray(String[]::new));
      } catch (IOException e) {
        // nothing there (no CRD yet): nothing to remove
      }
    }
    try {
      if (helm("list", "-A", "-q").contains("braid")) {
        helm("uninstall", "braid", "--wait");
      }
    } catch (IOException e) {
      System.out.println("[e2e] helm uninstall of a leftover release: " + e.getMessage());
    }
  }

  /** Prints and records how long a phase took since {@code startedNanos}. */
  public static void phase(String name, long startedNanos) {
    String line = "[e2e] %-60s %6.1f s".formatted(name, (System.nanoTime() - startedNanos) / 1e9);
    System.out.println(line);
    try {
      Files.createDirectories(OUT);
      Files.writeString(
          OUT.resolve("e2e-times.txt"),
          line + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.out.println("[e2e] (could not record the time: " + e + ")");
    }
  }

  static Path kubectl() {
    return binaries().resolve("k8s").resolve(K8S_VERSION + "-linux-amd64").resolve("kubectl");
  }

  static Path helm() {
    return binaries().resolve("helm").resolve(HELM_VERSION).resolve("helm");
  }

  private static Path binaries() {
    String dir = System.getenv("KUBE_API_TEST_DIR");
    return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".kubeapitest");
  }

  /** Stops the node; logs of every component go to {@code target/cluster-logs}. */
  @Override
  public synchronized void close() throws IOException, InterruptedException {
    if (closed) {
      return;
    }
    closed = true;
    admin.close();
    long t = System.nanoTime();
    down();
    phase("cluster down (host as before)", t);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException exiting) {
      // the JVM is exiting and runs the hook itself
    }
  }

  private static void down() throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(REPO.resolve("e2e/bin/cluster").toString(), "down")
            .directory(REPO.toFile())
            .redirectErrorStream(true);
    pb.environment().put("BRAID_CLUSTER_KEEP_LOGS", OUT.resolve("cluster-logs").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean ended = p.waitFor(2, TimeUnit.MINUTES);
    System.out.print(out);
    if (!ended || p.exitValue() != 0) {
      throw new IOException(
          "e2e/bin/cluster down failed, the host is not as it was: " + out.strip());
    }
  }

  /** Runs a script of the repository with its progress lines going to the test output. */
  private static void script(Duration timeout, String script, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(REPO.resolve(script).toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true).start();
    // Through System.out: a child writing to the forked JVM's own stdout would corrupt failsafe's
    // channel.
    Thread progress =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try (var lines = p.inputReader()) {
                    lines.lines().forEach(System.out::println);
                  } catch (IOException ended) {
                    // the script ended; its exit code says how
                  }
                });
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(script + " did not finish within " + timeout);
    }
    progress.join();
    if (p.exitValue() != 0) {
      throw new IOException(script + " exited with " + p.exitValue() + " (its output is above)");
    }
  }

  private static String run(List<String> command, Duration timeout) throws IOException {
    Process p =
        new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true).start();
    try {
      String[] out = new String[1];
      Thread reader =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      out[0] =
                          new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                      out[0] = "<output unreadable: " + e + ">";
                    }
                  });
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out after " + timeout + ": " + String.join(" ", command));
      }
      reader.join();
      if (p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command) + " exited with " + p.exitValue() + ": " + out[0].strip());
      }
      return out[0];
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }
}
