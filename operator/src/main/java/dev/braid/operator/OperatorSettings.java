package dev.braid.operator;

import dev.braid.operator.model.AgentImage;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Operator settings from the environment (or same-named system properties, lower-case with dots,
 * e.g. {@code braid.agent.image}, which tests use).
 *
 * @param agentImage image of the agent DaemonSet ({@code BRAID_AGENT_IMAGE})
 * @param httpPort port of health and metrics ({@code BRAID_HTTP_PORT}; 0 picks a free port)
 * @param leaderElection whether to take a Lease before reconciling ({@code BRAID_LEADER_ELECTION})
 * @param leaseNamespace namespace of the Lease ({@code BRAID_NAMESPACE}, set from the downward API
 *     in the Deployment)
 * @param identity this replica's name in the Lease ({@code HOSTNAME}, which is the pod name)
 * @param lease how long a Lease lasts, how long the leader keeps trying to renew it and how often
 *     replicas try ({@code BRAID_LEASE_DURATION}, {@code BRAID_LEASE_RENEW_DEADLINE}, {@code
 *     BRAID_LEASE_RETRY_PERIOD})
 */
public record OperatorSettings(
    String agentImage,
    int httpPort,
    boolean leaderElection,
    String leaseNamespace,
    String identity,
    LeaseTiming lease) {
  /** Image used when {@code BRAID_AGENT_IMAGE} is unset: {@link AgentImage#DEFAULT}. */
  public static final String DEFAULT_AGENT_IMAGE = AgentImage.DEFAULT;

  /** Name of the leader-election Lease. */
  public static final String LEASE_NAME = "braid-operator-leader";

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)?");

  /** Settings with a random identity and the default Lease timing. */
  public OperatorSettings(
      String agentImage, int httpPort, boolean leaderElection, String leaseNamespace) {
    this(
        agentImage,
        httpPort,
        leaderElection,
        leaseNamespace,
        randomIdentity(),
        LeaseTiming.DEFAULT);
  }

  /**
   * Lease timing, as in Kubernetes' own controllers: a leader that cannot renew for {@code
   * renewDeadline} stops; a standby takes an unrenewed Lease after {@code duration}.
   */
  public record LeaseTiming(Duration duration, Duration renewDeadline, Duration retryPeriod) {
    /** 15 s / 10 s / 2 s, the defaults of JOSDK and client-go. */
    public static final LeaseTiming DEFAULT =
        new LeaseTiming(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));

    /** Checks the order retry period &lt; renew deadline &lt; duration. */
    public LeaseTiming {
      if (retryPeriod.isZero()
          || retryPeriod.compareTo(renewDeadline) >= 0
          || renewDeadline.compareTo(duration) >= 0) {
        throw new IllegalArgumentException(
            "need 0 < BRAID_LEASE_RETRY_PERIOD ("
                + retryPeriod
                + ") < BRAID_LEASE_RENEW_DEADLINE ("
                + renewDeadline
                + ") < BRAID_LEASE_DURATION ("
                + duration
                + ")");
      }
    }
  }

  /** Settings of this process. */
  public static OperatorSettings current() {
    return new OperatorSettings(
        AgentImage.configured(),
        read("BRAID_HTTP_PORT").map(Integer::parseInt).orElse(8080),
        read("BRAID_LEADER_ELECTION").map(Boolean::parseBoolean).orElse(true),
        read("BRAID_NAMESPACE").orElse("braid-system"),
        read("HOSTNAME").orElseGet(OperatorSettings::randomIdentity),
        new LeaseTiming(
            duration("BRAID_LEASE_DURATION", LeaseTiming.DEFAULT.duration()),
            duration("BRAID_LEASE_RENEW_DEADLINE", LeaseTiming.DEFAULT.renewDeadline()),
            duration("BRAID_LEASE_RETRY_PERIOD", LeaseTiming.DEFAULT.retryPeriod())));
  }

  /** Parses {@code 15s}, {@code 500ms}, {@code 2m} or plain seconds ({@code 15}). */
  static Duration parseDuration(String env, String value) {
    Matcher m = DURATION.matcher(value.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          env + "=" + value + ": expected a duration such as 15s, 500ms or 2m");
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2) == null ? "s" : m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofSeconds(amount);
    };
  }

  private static Duration duration(String env, Duration fallback) {
    return read(env).map(v -> parseDuration(env, v)).orElse(fallback);
  }

  private static String randomIdentity() {
    return "braid-operator-" + UUID.randomUUID();
  }

  private static Optional<String> read(String env) {
    String property = System.getProperty(env.toLowerCase().replace('_', '.'));
    if (property != null && !property.isBlank()) {
      return Optional.of(property);
    }
    return Optional.ofNullable(System.getenv(env)).filter(v -> !v.isBlank());
  }
}
