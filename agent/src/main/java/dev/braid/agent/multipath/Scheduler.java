package dev.braid.agent.multipath;

/** Chooses the path or paths for each packet among the current {@link Candidates}. */
interface Scheduler {
  /** The candidates or their estimates changed: recompute whatever does not depend on a packet. */
  void prepare(Candidates candidates, long nowNanos);

  /** The paths (bit i = path id i) to send one packet of {@code length} bytes on; never 0. */
  long pick(Candidates candidates, int length, long nowNanos);

  /** Whether degraded paths join up ones as candidates (only the redundant scheduler). */
  default boolean usesDegradedPaths() {
    return false;
  }

  /** Packets sent while every candidate's modeled queue was beyond the bound (weighted only). */
  default long overcommitted() {
    return 0;
  }

  static Scheduler of(MultipathConfig config) {
    return switch (config.scheduler()) {
      case WEIGHTED -> new WeightedScheduler(config);
      case LOWEST_RTT -> new LowestRttScheduler();
      case REDUNDANT -> new RedundantScheduler();
      case ACTIVE_BACKUP -> new ActiveBackupScheduler();
    };
  }
}
