package dev.braid.agent.multipath;

/** Why a path is in its state, so that status can say more than "degraded". */
public enum StateCause {
  /** No probe on this path has been answered yet. */
  AWAITING_FIRST_ANSWER,
  /** Probes are answered and loss is within the limit. */
  ANSWERING,
  /** Consecutive probes went unanswered; the path may be blackholing. */
  MISSED_PROBES,
  /** Measured loss in the sending direction is above the limit. */
  LOSSY,
  /** No probe answered for longer than the down timeout. */
  SILENT,
  /** Down, and answering again: waiting for enough answers to come back up. */
  RECOVERING
}
