package dev.braid.e2e.fullstack;

import dev.braid.agent.runtime.AgentMain;
import dev.braid.agent.testing.AgentProcess;
import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.WatchedProcess;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a kubelet does for one pod of the agent DaemonSet, done by the test on one machine: the
 * pod's ConfigMap and Secret volumes become files, the downward-API variables get the node's
 * values, the container's args start the packaged agent jar (standing in for the image) inside the
 * node's network namespace (host network), a kubeconfig with the agents' ServiceAccount token
 * stands in for the mounted token, and the readiness probe is the container's own.
 *
 * <p>Without a mount namespace of its own, the test puts each ConfigMap and Secret volume under a
 * scratch root instead of at its mount path; those mount paths in the args and in the ConfigMap
 * files are rewritten to that place, the only change made to what the operator rendered. Updates of
 * those objects reach the files when the test calls {@link #sync()}, laid out and swapped as the
 * kubelet does (see {@link ProjectedVolume}).
 */
final class AgentPod implements AutoCloseable {
  private final NetNs node;
  private final String hostIp;
  private final Container container;
  private final WatchedProcess process;
  private final String name;
  private final List<ProjectedVolume> volumes;

  private AgentPod(
      NetNs node,
      String hostIp,
      Container container,
      WatchedProcess process,
      String name,
      List<ProjectedVolume> volumes) {
    this.volumes = volumes;
    this.node = node;
    this.hostIp = hostIp;
    this.container = container;
    this.process = process;
    this.name = name;
  }

  /**
   * Materialises the pod and starts its container.
   *
   * @param api client that reads the ConfigMaps and Secrets the pod mounts
   * @param daemonSet the agent DaemonSet as the operator wrote it
   * @param node the node's network namespace
   * @param nodeName {@code spec.nodeName}
   * @param hostIp {@code status.hostIP}, an address of {@code node}
   * @param kubeconfig credentials of the pod's ServiceAccount
   * @param root scratch folder for the volumes and the log
   */
  static AgentPod start(
      KubernetesClient api,
      DaemonSet daemonSet,
      NetNs node,
      String nodeName,
      String hostIp,
      Path kubeconfig,
      Path root)
      throws IOException {
    String namespace = daemonSet.getMetadata().getNamespace();
    PodSpec pod = daemonSet.getSpec().getTemplate().getSpec();
    if (!Boolean.TRUE.equals(pod.getHostNetwork())) {
      throw new IllegalStateException("the agent pod is not on the host network: " + pod);
    }
    Container container = pod.getContainers().getFirst();
    // ConfigMap and Secret volumes move under the root; a hostPath is the host's own path, and
    // an emptyDir (the writable /tmp of a read-only image) is the host's /tmp
    Map<String, Path> mounts = new LinkedHashMap<>();
    for (VolumeMount m : container.getVolumeMounts()) {
      Volume v = volume(pod, m);
      if (v.getConfigMap() != null || v.getSecret() != null) {
        mounts.put(m.getMountPath(), root.resolve(m.getMountPath().substring(1)));
      }
    }
    List<ProjectedVolume> projected = new ArrayList<>();
    for (VolumeMount m : container.getVolumeMounts()) {
      Volume v = volume(pod, m);
      Path dir = mounts.get(m.getMountPath());
      if (v.getConfigMap() != null || v.getSecret() != null) {
        ProjectedVolume pv = new ProjectedVolume(api, namespace, v, dir, mounts);
        pv.sync();
        projected.add(pv);
      } else if (v.getHostPath() != null) {
        // same filesystem as the host: the path must be the host's own and exist
        if (!m.getMountPath().equals(v.getHostPath().getPath())
            || !Files.exists(Path.of(v.getHostPath().getPath()))) {
          throw new IllegalStateException(
              "hostPath " + v.getHostPath().getPath() + " at " + m.getMountPath() + " unusable");
        }
      } else if (v.getEmptyDir() == null) {
        throw new IllegalStateException("volume kind of " + v.getName() + " is not materialised");
      }
    }
    String podName =
        daemonSet.getMetadata().getName()
            + "-"
            + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 25), 36);
    Map<String, String> fields =
        Map.of(
            "spec.nodeName", nodeName,
            "metadata.name", podName,
            "metadata.namespace", namespace,
            "status.hostIP", hostIp,
            "status.podIP", hostIp);
    List<String> command = new ArrayList<>(List.of("env", "KUBECONFIG=" + kubeconfig));
    for (EnvVar e : container.getEnv()) {
      String value =
          e.getValueFrom() == null ? e.getValue() : fields.get(fieldPath(e, fields.keySet()));
      command.add(e.getName() + "=" + value);
    }
    List<String> args = container.getArgs().stream().map(a -> relocate(a, mounts)).toList();
    command.addAll(image(args));
    WatchedProcess process =
        node.start(root.resolve(podName + ".log"), command.toArray(String[]::new));
    return new AgentPod(node, hostIp, container, process, podName, projected);
  }

  private static Volume volume(PodSpec pod, VolumeMount m) {
    return pod.getVolumes().stream()
        .filter(x -> x.getName().equals(m.getName()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no volume " + m.getName()));
  }

  private static String fieldPath(EnvVar e, java.util.Set<String> known) {
    if (e.getValueFrom().getFieldRef() == null
        || !known.contains(e.getValueFrom().getFieldRef().getFieldPath())) {
      throw new IllegalStateException("env " + e.getName() + " has a source the test cannot fill");
    }
    return e.getValueFrom().getFieldRef().getFieldPath();
  }

  /** Every mount path in {@code text} moved under the scratch root, in one pass. */
  static String relocate(String text, Map<String, Path> mounts) {
    String alternatives =
        mounts.keySet().stream()
            .sorted(Comparator.comparing(String::length).reversed())
            .map(m -> Pattern.quote(m + "/"))
            .collect(Collectors.joining("|"));
    return Pattern.compile(alternatives)
        .matcher(text)
        .replaceAll(
            r -> {
              String mount = r.group().substring(0, r.group().length() - 1);
              return Matcher.quoteReplacement(mounts.get(mount) + "/");
            });
  }

  /**
   * The image's entry point: {@code java -jar braid-agent.jar} with its {@code lib/} as the build
   * packs it; the test classpath only when the agent is not packaged (a run from an IDE).
   */
  private static List<String> image(List<String> args) {
    try {
      Path code =
          Path.of(AgentMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(code) || !Files.isDirectory(code.resolveSibling("lib"))) {
        return AgentProcess.command(args);
      }
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "--enable-native-access=ALL-UNNAMED",
                  "-jar",
                  code.toString()));
      command.addAll(args);
      return command;
    } catch (URISyntaxException e) {
      throw new IllegalStateException("locating the agent jar", e);
    }
  }

  /**
   * The kubelet's periodic volume sync, done when the test calls it: every ConfigMap and Secret
   * volume whose object changed is written anew and swapped in atomically.
   *
   * @return true when some volume changed
   */
  boolean sync() throws IOException {
    boolean changed = false;
    for (ProjectedVolume v : volumes) {
      changed |= v.sync();
    }
    return changed;
  }

  /** The pod name given to the agent. */
  String name() {
    return name;
  }

  /** The agent's output. */
  WatchedProcess process() {
    return process;
  }

  /** The container's readiness probe, run as the kubelet does: HTTP GET on the host address. */
  boolean ready() throws Exception {
    var get = container.getReadinessProbe().getHttpGet();
    int port = get.getPort().getIntVal();
    return node.call(
        () -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hostIp, port), 2000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(
                ("GET " + get.getPath() + " HTTP/1.0\r\nHost: " + hostIp + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return status.startsWith("HTTP/1.") && status.endsWith(" 200");
          } catch (IOException e) {
            return false;
          }
        });
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
