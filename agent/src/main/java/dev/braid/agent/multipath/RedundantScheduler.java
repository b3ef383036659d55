package dev.braid.agent.multipath;

/**
 * Every packet on every candidate (up and degraded paths; backups only when no non-backup path is
 * alive), as engarde does: costs bandwidth times paths, survives independent loss on each.
 */
final class RedundantScheduler implements Scheduler {
  @Override
  public void prepare(Candidates candidates, long nowNanos) {}

  @Override
  public long pick(Candidates candidates, int length, long nowNanos) {
    return candidates.mask;
  }

  @Override
  public boolean usesDegradedPaths() {
    return true;
  }
}
