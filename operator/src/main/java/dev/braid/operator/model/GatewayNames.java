package dev.braid.operator.model;

import dev.braid.api.v1alpha1.VPNGateway;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names and labels of everything the operator creates for a gateway or client. */
public final class GatewayNames {
  /** Field manager of every server-side apply the operator makes. */
  public static final String FIELD_MANAGER = "braid-operator";

  /** Label holding the gateway name. */
  public static final String GATEWAY_LABEL = "braid.dev/gateway";

  /** Label telling apart the operator's objects of one kind. */
  public static final String COMPONENT_LABEL = "braid.dev/component";

  /** Pod-template annotation whose change rolls the agents. */
  public static final String CONFIG_HASH_ANNOTATION = "braid.dev/config-hash";

  /** Component of the agent workload and its RBAC. */
  public static final String AGENT = "agent";

  /** Component of the agent ConfigMap. */
  public static final String CONFIG = "config";

  /** Component of the gateway PKI Secret. */
  public static final String PKI = "pki";

  /** Component of a client profile Secret. */
  public static final String CLIENT_PROFILE = "client-profile";

  private GatewayNames() {}

  /** ServiceAccount, Role, RoleBinding and DaemonSet of the agents. */
  public static String agent(String gateway) {
    return gateway + "-agent";
  }

  /** ConfigMap with the rendered agent config. */
  public static String config(String gateway) {
    return gateway + "-agent-config";
  }

  /** Secret with the operator-managed PKI. */
  public static String pki(String gateway) {
    return gateway + "-pki";
  }

  /** Secret a gateway's agents mount: the spec's own Secret or the operator's PKI Secret. */
  public static String tlsSecret(VPNGateway gateway) {
    var tls = gateway.getSpec().tls;
    return tls != null && tls.secretName != null
        ? tls.secretName
        : pki(gateway.getMetadata().getName());
  }

  /** VPNGatewayNode of one gateway on one node. */
  public static String gatewayNode(String gateway, String node) {
    return gateway + "-" + node;
  }

  /** Secret holding a client's profile. */
  public static String clientProfile(String client) {
    return client + "-profile";
  }

  /** Labels of one gateway's object of a component. */
  public static Map<String, String> labels(String gateway, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "braid");
    labels.put("app.kubernetes.io/instance", gateway);
    labels.put("app.kubernetes.io/component", component);
    labels.put("app.kubernetes.io/managed-by", FIELD_MANAGER);
    labels.put(GATEWAY_LABEL, gateway);
    labels.put(COMPONENT_LABEL, component);
    return labels;
  }

  /** Labels that select a gateway's agent pods; fixed for the DaemonSet's lifetime. */
  public static Map<String, String> selector(String gateway) {
    return Map.of(GATEWAY_LABEL, gateway, COMPONENT_LABEL, AGENT);
  }
}
