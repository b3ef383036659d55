package dev.braid.operator;

import java.util.Optional;

/**
 * Operator settings from the environment (or same-named system properties, lower-case with dots,
 * e.g. {@code braid.agent.image}, which tests use).
 *
 * @param agentImage image of the agent DaemonSet ({@code BRAID_AGENT_IMAGE})
 * @param httpPort port of health and metrics ({@code BRAID_HTTP_PORT}; 0 picks a free port)
 * @param leaderElection whether to take a Lease before reconciling ({@code BRAID_LEADER_ELECTION})
 * @param leaseNamespace namespace of the Lease ({@code BRAID_NAMESPACE}, set from the downward API
 *     in the Deployment)
 */
public record OperatorSettings(
    String agentImage, int httpPort, boolean leaderElection, String leaseNamespace) {
  /** Image used when {@code BRAID_AGENT_IMAGE} is unset. */
  public static final String DEFAULT_AGENT_IMAGE = "ghcr.io/braid-dev/braid-agent:0.1.0";

  /** Name of the leader-election Lease. */
  public static final String LEASE_NAME = "braid-operator-leader";

  /** Settings of this process. */
  public static OperatorSettings current() {
    return new OperatorSettings(
        read("BRAID_AGENT_IMAGE").orElse(DEFAULT_AGENT_IMAGE),
        read("BRAID_HTTP_PORT").map(Integer::parseInt).orElse(8080),
        read("BRAID_LEADER_ELECTION").map(Boolean::parseBoolean).orElse(true),
        read("BRAID_NAMESPACE").orElse("braid-system"));
  }

  private static Optional<String> read(String env) {
    String property = System.getProperty(env.toLowerCase().replace('_', '.'));
    if (property != null && !property.isBlank()) {
      return Optional.of(property);
    }
    return Optional.ofNullable(System.getenv(env)).filter(v -> !v.isBlank());
  }
}
