package dev.braid.operator.model;

import dev.braid.api.config.AgentDefaults;
import dev.braid.api.v1alpha1.VPNGatewaySpec;

/**
 * Where the agent container finds its config and PKI, and which node resources (ports, TUN device)
 * it takes; shared by the DaemonSet and the config.
 */
public final class AgentPaths {
  /** Mount point of the ConfigMap. */
  public static final String CONFIG_DIR = "/etc/braid/config";

  /** Mount point of the TLS Secret. */
  public static final String TLS_DIR = "/etc/braid/tls";

  /** Port of the agent's health and metrics endpoint for a gateway on the default port 1194. */
  public static final int HTTP_PORT = AgentDefaults.HTTP_PORT;

  /** The default control port is the gateway's port plus this (9464 for 1194). */
  static final int CONTROL_PORT_OFFSET = HTTP_PORT - AgentDefaults.PORT;

  private AgentPaths() {}

  /**
   * Port of the agent's health and metrics endpoint on the node: {@code spec.controlPort}, or the
   * gateway's port + 8270 (minus, when that would pass 65535), so that gateways sharing a node
   * (whose ports differ) do not share it either.
   */
  public static int controlPort(VPNGatewaySpec spec) {
    if (spec.controlPort != null) {
      return spec.controlPort;
    }
    int port = spec.port == null ? AgentDefaults.PORT : spec.port;
    return port + CONTROL_PORT_OFFSET <= 65535
        ? port + CONTROL_PORT_OFFSET
        : port - CONTROL_PORT_OFFSET;
  }

  /**
   * The gateway's TUN device on the node, {@code braid<port>}: agents of gateways sharing a node
   * (whose ports differ) must not attach queues to one multiqueue device.
   */
  public static String tunDevice(VPNGatewaySpec spec) {
    return "braid" + (spec.port == null ? AgentDefaults.PORT : spec.port);
  }

  /** A file in the TLS mount. */
  public static String tls(String key) {
    return TLS_DIR + "/" + key;
  }
}
