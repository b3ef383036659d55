package dev.braid.operator.model;

import java.util.Optional;

/** Which agent image the DaemonSet runs: {@code BRAID_AGENT_IMAGE}, or this version's image. */
public final class AgentImage {
  /** The environment variable (or, for tests, system property {@code braid.agent.image}). */
  public static final String ENV = "BRAID_AGENT_IMAGE";

  /**
   * Image used when {@code BRAID_AGENT_IMAGE} is unset: the name {@code deploy/images/build.sh}
   * gives the agent image of this version (ContainerImagesIT checks that they agree).
   */
  public static final String DEFAULT = "ghcr.io/braid-dev/braid-agent:0.1.0-SNAPSHOT";

  private AgentImage() {}

  /** The configured image: the system property, else the environment, else {@link #DEFAULT}. */
  public static String configured() {
    String property = System.getProperty("braid.agent.image");
    if (property != null && !property.isBlank()) {
      return property;
    }
    return Optional.ofNullable(System.getenv(ENV)).filter(v -> !v.isBlank()).orElse(DEFAULT);
  }
}
