package dev.braid.agent.multipath;

/** Every packet on the first candidate in uplink order (ties by path id). */
final class ActiveBackupScheduler implements Scheduler {
  private long chosen;

  @Override
  public void prepare(Candidates candidates, long nowNanos) {
    Path first = null;
    for (int i = 0; i < candidates.count; i++) {
      Path p = candidates.paths[i];
      if (first == null
          || p.uplinkId < first.uplinkId
          || p.uplinkId == first.uplinkId && p.id < first.id) {
        first = p;
      }
    }
    chosen = first == null ? 0 : 1L << first.id;
  }

  @Override
  public long pick(Candidates candidates, int length, long nowNanos) {
    return chosen;
  }
}
