package dev.braid.agent.multipath;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a multipath session spreads its packets over its paths; config names as in the API. */
public enum SchedulerKind {
  /**
   * Each packet goes where it is expected to arrive first, from each path's measured rate, one-way
   * delay and configured weight; lossy paths get a share small enough that they add little loss.
   */
  WEIGHTED("weighted"),
  /** Every packet on the live path with the lowest smoothed round trip. */
  LOWEST_RTT("lowest-rtt"),
  /** Every packet on every live path; the receiver drops the copies. */
  REDUNDANT("redundant"),
  /** Every packet on the first live path in uplink order. */
  ACTIVE_BACKUP("active-backup");

  private final String configName;

  SchedulerKind(String configName) {
    this.configName = configName;
  }

  /** The name used in config files and the API, e.g. {@code lowest-rtt}. */
  public String configName() {
    return configName;
  }

  /** The scheduler called {@code name} in config; the message lists the valid names. */
  public static SchedulerKind fromConfigName(String name) {
    for (SchedulerKind k : values()) {
      if (k.configName.equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown multipath scheduler '"
            + name
            + "', expected one of "
            + Arrays.stream(values())
                .map(SchedulerKind::configName)
                .collect(Collectors.joining(", ")));
  }
}
