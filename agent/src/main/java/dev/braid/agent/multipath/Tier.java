package dev.braid.agent.multipath;

/**
 * Which class of paths the schedulers are using now; lower tiers only when higher ones are empty.
 */
public enum Tier {
  /** Non-backup paths that are up (the redundant scheduler adds degraded ones). */
  PRIMARY,
  /** Backup paths that are up, because no non-backup path is. */
  BACKUP,
  /** Degraded paths, because none is up. */
  DEGRADED,
  /** Paths not yet answered, because none is up or degraded. */
  PROBING,
  /** The most recently answering down path, because nothing else exists. */
  DOWN,
  /** No path at all. */
  NONE
}
