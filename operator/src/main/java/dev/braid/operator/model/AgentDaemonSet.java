package dev.braid.operator.model;

import dev.braid.api.config.AgentConfig;
import dev.braid.api.config.AgentConfigParser;
import dev.braid.api.v1alpha1.ControlChannelProtection;
import dev.braid.api.v1alpha1.Transport;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.api.v1alpha1.VPNGatewaySpec;
import dev.braid.operator.pki.GatewayPki;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agents' DaemonSet: host network with cluster DNS, NET_ADMIN and {@code /dev/net/tun}, the
 * runtime's default seccomp profile, the spec's placement and resources, readiness from the agent's
 * {@code /readyz} on the gateway's control port (no liveness probe, see below), a TUN device of the
 * gateway's own, and a config hash that rolls one node at a time when a setting that needs a
 * restart changes.
 */
public final class AgentDaemonSet {
  /** Name of the agent container. */
  public static final String CONTAINER = "agent";

  private AgentDaemonSet() {}

  /**
   * The desired DaemonSet.
   *
   * @param image agent image, from the operator's settings
   */
  public static DaemonSet desired(VPNGateway gateway, String image) {
    String name = gateway.getMetadata().getName();
    var spec = gateway.getSpec();
    AgentConfig config = AgentConfigRenderer.render(gateway);
    String hash = AgentConfigRenderer.restartHash(config);
    return new DaemonSetBuilder()
        .withNewMetadata()
        .withName(GatewayNames.agent(name))
        .withNamespace(gateway.getMetadata().getNamespace())
        .withLabels(GatewayNames.labels(name, GatewayNames.AGENT))
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(GatewayNames.selector(name))
        .endSelector()
        .withNewUpdateStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withNewMaxUnavailable(1)
        .endRollingUpdate()
        .endUpdateStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(GatewayNames.labels(name, GatewayNames.AGENT))
        .withAnnotations(Map.of(GatewayNames.CONFIG_HASH_ANNOTATION, hash))
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(GatewayNames.agent(name))
        .withHostNetwork(true)
        .withDnsPolicy("ClusterFirstWithHostNet")
        .withNodeSelector(spec.nodeSelector)
        .withTolerations(spec.tolerations)
        .withPriorityClassName(spec.priorityClassName)
        .withTerminationGracePeriodSeconds(30L)
        .withNewSecurityContext()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(image)
        .withArgs(
            "--config",
            AgentPaths.CONFIG_DIR + "/" + AgentConfigParser.FILE_NAME,
            "--tun",
            AgentPaths.tunDevice(spec))
        .withEnv(env())
        .withPorts(ports(config))
        .withResources(resources(spec))
        .withReadinessProbe(probe("/readyz", config.control().httpPort(), 5, 2))
        // No liveness probe: the agent exits by itself when a worker fails, and a probe on the
        // control port would restart a serving agent over and over while another process holds
        // that port (ControlPortInUse), which must show as Degraded, not as a crash loop.
        .withNewSecurityContext()
        .withNewCapabilities()
        .withAdd("NET_ADMIN")
        .withDrop("ALL")
        .endCapabilities()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("config")
        .withMountPath(AgentPaths.CONFIG_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("tls")
        .withMountPath(AgentPaths.TLS_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("tun")
        .withMountPath("/dev/net/tun")
        .endVolumeMount()
        // the root filesystem is read-only; the JVM still wants a writable /tmp
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("config")
        .withNewConfigMap()
        .withName(GatewayNames.config(name))
        .endConfigMap()
        .endVolume()
        .addNewVolume()
        .withName("tls")
        .withNewSecret()
        .withSecretName(GatewayNames.tlsSecret(gateway))
        .withItems(tlsItems(gateway))
        .endSecret()
        .endVolume()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .addNewVolume()
        .withName("tun")
        .withNewHostPath()
        .withPath("/dev/net/tun")
        .withType("CharDevice")
        .endHostPath()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Only the keys the agent reads: the CA key of a generated PKI never reaches the node. */
  private static List<KeyToPath> tlsItems(VPNGateway gateway) {
    List<String> keys =
        new ArrayList<>(List.of(GatewayPki.CA_CRT, GatewayPki.TLS_CRT, GatewayPki.TLS_KEY));
    if (AgentConfigRenderer.controlChannel(gateway.getSpec()) != ControlChannelProtection.NONE) {
      keys.add(GatewayPki.TA_KEY);
    }
    var tls = gateway.getSpec().tls;
    if (tls == null || tls.secretName == null) {
      keys.add(GatewayPki.CRL);
    }
    return keys.stream().map(k -> new KeyToPath(k, null, k)).toList();
  }

  private static List<EnvVar> env() {
    return List.of(
        fieldEnv("BRAID_NODE_NAME", "spec.nodeName"),
        fieldEnv("BRAID_POD_NAME", "metadata.name"),
        fieldEnv("BRAID_HOST_IP", "status.hostIP"));
  }

  private static EnvVar fieldEnv(String name, String path) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        // fieldRef is atomic for server-side apply: spell out the default apiVersion, or the
        // applied and the live object differ forever and every reconcile re-applies
        .withNewFieldRef()
        .withApiVersion("v1")
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  private static List<ContainerPort> ports(AgentConfig config) {
    List<ContainerPort> ports = new ArrayList<>();
    for (Transport t : config.listen().transports()) {
      ports.add(
          new ContainerPortBuilder()
              .withName(t == Transport.UDP ? "vpn-udp" : "vpn-tcp")
              .withContainerPort(config.listen().port())
              .withProtocol(t.name())
              .build());
    }
    ports.add(
        new ContainerPortBuilder()
            .withName("http")
            .withContainerPort(config.control().httpPort())
            .withProtocol("TCP")
            .build());
    return ports;
  }

  /**
   * The spec's resources, or requests of 100m CPU and 256Mi memory with a 1Gi memory limit: no CPU
   * limit, since throttling a data plane drops packets.
   */
  static ResourceRequirements resources(VPNGatewaySpec spec) {
    if (spec.resources != null) {
      return spec.resources;
    }
    return new ResourceRequirementsBuilder()
        .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")))
        .withLimits(Map.of("memory", new Quantity("1Gi")))
        .build();
  }

  private static Probe probe(String path, int port, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withNewPort(port)
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .build();
  }
}
