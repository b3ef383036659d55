package dev.braid.agent.control;

import dev.braid.api.config.AgentConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * What the pod tells the agent about its node: {@code BRAID_NODE_NAME} and {@code BRAID_HOST_IP}
 * (set from the downward API by the operator's DaemonSet); in standalone mode the host name and no
 * addresses.
 *
 * @param nodeName node name used in the VPNGatewayNode name
 * @param addresses addresses clients reach this node on (comma-separated in the variable)
 */
public record AgentEnvironment(String nodeName, List<String> addresses) {
  /** Reads the process environment. */
  public static AgentEnvironment fromSystem() {
    String node = System.getenv("BRAID_NODE_NAME");
    if (node == null || node.isBlank()) {
      try {
        node = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        node = "standalone";
      }
    }
    String ips = System.getenv("BRAID_HOST_IP");
    List<String> addresses =
        ips == null || ips.isBlank()
            ? List.of()
            : Arrays.stream(ips.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    return new AgentEnvironment(node, addresses);
  }

  /**
   * A client for status publishing when the config comes from an operator (it names the gateway's
   * UID), else null: a standalone agent publishes nothing. In a pod the client uses the mounted
   * ServiceAccount token; elsewhere the kubeconfig.
   */
  public static KubernetesClient statusClient(AgentConfig config) {
    return config.gateway() != null && config.gateway().uid() != null
        ? new KubernetesClientBuilder().build()
        : null;
  }
}
