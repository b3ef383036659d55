package dev.braid.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a multipath session spreads packets over its paths. */
public enum Scheduler {
  /** Per-packet split in proportion to each path's weight and measured capacity. */
  @JsonProperty("weighted")
  WEIGHTED,
  /** Every packet on the path with the lowest smoothed RTT that is up. */
  @JsonProperty("lowest-rtt")
  LOWEST_RTT,
  /** Every packet on every path; the receiver drops the copies. */
  @JsonProperty("redundant")
  REDUNDANT,
  /** One path at a time, in uplink order; the next takes over when it fails. */
  @JsonProperty("active-backup")
  ACTIVE_BACKUP
}
