package dev.braid.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.braid.agent.testing.AgentProcess;
import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.Prerequisites;
import dev.braid.api.testing.KubeApiServerFixture;
import dev.braid.e2e.harness.OpenSslPki;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Builds both images with {@code deploy/images/build.sh} and runs them with podman the way their
 * Kubernetes objects do: the agent as its DaemonSet runs it (read-only root, only NET_ADMIN, {@code
 * /dev/net/tun}, config and PKI mounted at the operator's paths) inside a network namespace that
 * stands in for the node; the operator as its Deployment runs it (non-root, read-only root, no
 * capabilities, JSON logs) against a real API server, where it must turn a VPNGateway into a
 * DaemonSet of the agent image the script built.
 */
class ContainerImagesIT {
  private static final Path REPO = Path.of("").toAbsolutePath().getParent();
  private static final Path OUT = Path.of("target", "images").toAbsolutePath();
  private static final Path WORK = OUT.resolve("it-work");
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);

  private static Podman podman;
  private static String agentImage;
  private static String operatorImage;

  @BeforeAll
  static void build() throws Exception {
    Prerequisites.require("buildah", "podman", "runc", "debootstrap", "curl", "openvpn");
    Path script = REPO.resolve("deploy/images/build.sh");
    assertThat(script).as("the image build script").isExecutable();
    // Archives of an earlier version would make the images to load ambiguous.
    if (Files.isDirectory(OUT)) {
      try (var old = Files.list(OUT)) {
        for (Path f : old.filter(f -> f.toString().endsWith(".oci.tar")).toList()) {
          Files.delete(f);
        }
      }
    }
    Process build =
        new ProcessBuilder(script.toString(), "--out", OUT.toString())
            .redirectErrorStream(true)
            .start();
    // Progress lines through System.out: a child writing to the forked JVM's own stdout would
    // corrupt failsafe's channel.
    Thread progress =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try (var lines = build.inputReader()) {
                    lines.lines().forEach(System.out::println);
                  } catch (IOException ended) {
                    // the build ended; its exit code says how
                  }
                });
    if (!build.waitFor(BUILD_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
      build.destroyForcibly();
      throw new IllegalStateException(script + " did not finish within " + BUILD_TIMEOUT);
    }
    progress.join();
    assertThat(build.exitValue()).as(script + " exit code (its output is above)").isZero();
    podman = new Podman(OUT.resolve("podman-it"));
    agentImage = podman.load(archive("braid-agent"));
    operatorImage = podman.load(archive("braid-operator"));
  }

  @AfterAll
  static void cleanUp() throws IOException {
    try {
      if (podman != null) {
        podman.close();
      }
    } finally {
      Podman.deleteTree(WORK); // test PKI and an admin kubeconfig
    }
  }

  @Test
  void deploymentNamesTheImagesTheScriptBuilds() throws IOException {
    String deployment = Files.readString(REPO.resolve("deploy/operator/deployment.yaml"));
    assertThat(deployment)
        .contains("image: " + operatorImage)
        .contains("value: " + agentImage); // BRAID_AGENT_IMAGE
  }

  @Test
  void agentImageRunsAsItsDaemonSetRunsIt() throws Exception {
    Path dir = Files.createTempDirectory(Files.createDirectories(WORK), "agent-");
    OpenSslPki pki = OpenSslPki.create(dir.resolve("tls"), "gateway");
    // The config names the PKI where the DaemonSet mounts the Secret.
    AgentProcess.writeConfig(
        Files.createDirectories(dir.resolve("config")).resolve("agent.yaml"),
        Path.of("/etc/braid/tls"),
        1194,
        "UDP, TCP",
        "10.8.0.0/24",
        "tls-crypt",
        "tc.key",
        9464);
    String name = "braid-agent-it-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
    try (NetNs node = NetNs.create("img")) {
      try {
        podman.runDetached(
            name,
            List.of(
                "--network=ns:/run/netns/" + node.name(),
                "--read-only",
                "--tmpfs=/tmp",
                "--cap-drop=ALL",
                "--cap-add=NET_ADMIN",
                "--security-opt=no-new-privileges",
                "--device=/dev/net/tun",
                "--volume=" + dir.resolve("config") + ":/etc/braid/config:ro",
                "--volume=" + pki.dir() + ":/etc/braid/tls:ro"),
            agentImage,
            "--config",
            "/etc/braid/config/agent.yaml");
        awaitLog(name, AgentProcess.SERVING, Duration.ofSeconds(90));

        assertThat(node.exec("curl", "-sf", "http://127.0.0.1:9464/healthz")).isEqualTo("ok\n");
        assertThat(node.ip("-br", "link", "show", "braid0")).as("TUN device").contains("braid0");
        assertThat(node.exec("ss", "-Hlnu", "sport", "=", ":1194")).as("UDP socket").isNotBlank();
        // The JVM ends a SIGTERM shutdown with 143 (128 + 15), after the agent's own stop ran.
        assertThat(podman.stop(name, Duration.ofSeconds(30)))
            .as("exit code on SIGTERM")
            .isIn(0, 143);
        assertThat(podman.logs(name)).contains("msg=\"stopped\"");
      } catch (AssertionError | Exception e) {
        System.out.println("agent container log:\n" + safeLogs(name));
        throw e;
      } finally {
        podman.remove(name);
      }
    }
  }

  @Test
  void operatorImageReconcilesAsItsDeploymentRunsIt() throws Exception {
    String name = "braid-operator-it-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
    try (KubeApiServerFixture api = KubeApiServerFixture.start()) {
      api.installCrds();
      api.kubectl("create", "namespace", "braid-system");
      // The container sees neither the fixture's certificate files nor, as a non-root user, a
      // root-only file: mount a world-readable kubeconfig with the certificates inline.
      Path kube = Files.createTempDirectory(Files.createDirectories(WORK), "kube-");
      Files.setPosixFilePermissions(kube, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.writeString(
          kube.resolve("config"), api.kubectl("config", "view", "--flatten", "--minify"));
      Files.setPosixFilePermissions(
          kube.resolve("config"), PosixFilePermissions.fromString("rw-r--r--"));
      int port = freePort();
      try {
        // The API server listens on the host's loopback: the container shares the host network.
        podman.runDetached(
            name,
            List.of(
                "--network=host",
                "--read-only",
                "--tmpfs=/tmp",
                "--cap-drop=ALL",
                "--security-opt=no-new-privileges",
                "--volume=" + kube + ":/kube:ro",
                "--env=KUBECONFIG=/kube/config",
                "--env=HOSTNAME=" + name,
                "--env=BRAID_NAMESPACE=braid-system",
                "--env=BRAID_HTTP_PORT=" + port,
                "--env=JAVA_TOOL_OPTIONS=-Dlogback.configurationFile=logback-json.xml"),
            operatorImage);
        assertThat(podman.run(Duration.ofSeconds(30), "exec", name, "id", "-u").strip())
            .as("operator user (runAsNonRoot needs a numeric non-root user)")
            .isEqualTo("65532");
        HttpClient http = HttpClient.newHttpClient();
        URI readyz = URI.create("http://127.0.0.1:" + port + "/readyz");
        await("operator /readyz")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .failFast("operator exited: " + name, () -> !running(name))
            .ignoreExceptions()
            .until(
                () ->
                    http.send(
                                HttpRequest.newBuilder(readyz).build(),
                                HttpResponse.BodyHandlers.ofString())
                            .statusCode()
                        == 200);

        api.kubectl("apply", "-f", REPO.resolve("deploy/examples/vpngateway.yaml").toString());
        DaemonSet agents =
            await("DaemonSet office-agent")
                .atMost(Duration.ofSeconds(60))
                .until(
                    () ->
                        api.client()
                            .apps()
                            .daemonSets()
                            .inNamespace("braid-system")
                            .withName("office-agent")
                            .get(),
                    d -> d != null);
        assertThat(agents.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
            .as("the operator's default agent image is the one the script built")
            .isEqualTo(agentImage);
        // Every line but the JVM's own note on JAVA_TOOL_OPTIONS is one JSON object.
        assertThat(podman.logs(name).lines().filter(l -> !l.startsWith("Picked up ")))
            .as("log lines")
            .isNotEmpty()
            .allMatch(l -> l.startsWith("{\"") && l.endsWith("}"));
        // As the Deployment's pods stop: SIGTERM, the Lease handed over, JVM exit 143 (128 + 15).
        assertThat(podman.stop(name, Duration.ofSeconds(30)))
            .as("exit code on SIGTERM")
            .isIn(0, 143);
        assertThat(podman.logs(name)).contains("released Lease").contains("braid operator stopped");
      } catch (AssertionError | Exception e) {
        System.out.println("operator container log:\n" + safeLogs(name));
        throw e;
      } finally {
        podman.remove(name);
      }
    }
  }

  private static Path archive(String image) throws IOException {
    try (var files = Files.list(OUT)) {
      List<Path> found =
          files.filter(f -> f.getFileName().toString().matches(image + "-.+\\.oci\\.tar")).toList();
      assertThat(found).as(image + " archives in " + OUT).hasSize(1);
      return found.getFirst();
    }
  }

  private static void awaitLog(String name, String line, Duration timeout) {
    await(name + " logs '" + line + "'")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(500))
        .failFast(() -> !running(name) && !podman.logs(name).contains(line))
        .until(() -> podman.logs(name).contains(line));
  }

  private static boolean running(String name) throws IOException {
    return Boolean.parseBoolean(podman.inspect(name, "{{.State.Running}}"));
  }

  private static String safeLogs(String name) {
    try {
      return podman.logs(name);
    } catch (IOException e) {
      return "<no log: " + e.getMessage() + ">";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
