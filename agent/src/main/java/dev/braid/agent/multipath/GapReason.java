package dev.braid.agent.multipath;

/** Why the reorder buffer stopped waiting for a missing packet id. */
public enum GapReason {
  /** Every live path has delivered a later id, so the missing one cannot still be on its way. */
  ALL_PATHS_PASSED,
  /** The hold timeout (the paths' delay spread plus a margin) expired. */
  TIMEOUT,
  /** The buffer reached its packet or byte limit. */
  OVERFLOW,
  /** The key's id sequence restarted (a new key reused the key id). */
  KEY_RESTART
}
