package dev.braid.agent.multipath;

import java.util.Locale;

/** What a path is good for right now, as status reports it. */
public enum PathState {
  /** Added, no probe answered yet. Used only when no other path is up. */
  PROBING,
  /** Answering probes with acceptable loss: carries traffic. */
  UP,
  /**
   * Alive but not trusted: recent probes went unanswered or loss is above the limit. Carries
   * traffic only when no path is up (the redundant scheduler also copies onto it).
   */
  DEGRADED,
  /** Silent for longer than the down timeout. Carries nothing while another path exists. */
  DOWN,
  /** Healthy backup uplink held in reserve because a non-backup path is up. */
  BACKUP;

  /** Lower-case name for status documents and metrics labels. */
  public String statusName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
