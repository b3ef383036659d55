package dev.braid.operator.model;

import dev.braid.api.config.AgentDefaults;

/** Where the agent container finds its config and PKI; shared by the DaemonSet and the config. */
public final class AgentPaths {
  /** Mount point of the ConfigMap. */
  public static final String CONFIG_DIR = "/etc/braid/config";

  /** Mount point of the TLS Secret. */
  public static final String TLS_DIR = "/etc/braid/tls";

  /** Port of the agent's health and metrics endpoint on the node. */
  public static final int HTTP_PORT = AgentDefaults.HTTP_PORT;

  private AgentPaths() {}

  /** A file in the TLS mount. */
  public static String tls(String key) {
    return TLS_DIR + "/" + key;
  }
}
