package dev.braid.agent.multipath;

/**
 * Every packet on the candidate with the lowest smoothed round trip. It switches only when another
 * path is lower by more than 10% and 1 ms, or the current one stops being a candidate, so two
 * similar paths do not swap traffic on every probe.
 */
final class LowestRttScheduler implements Scheduler {
  private static final long MIN_GAIN_NANOS = 1_000_000;

  private Path current;

  @Override
  public void prepare(Candidates candidates, long nowNanos) {
    Path best = null;
    for (int i = 0; i < candidates.count; i++) {
      Path p = candidates.paths[i];
      if (best == null || srtt(p) < srtt(best)) {
        best = p;
      }
    }
    if (current == null || !isCandidate(candidates, current)) {
      current = best;
    } else if (best != null && best != current) {
      long now = srtt(current);
      long better = srtt(best);
      if (better < now - now / 10 && now - better > MIN_GAIN_NANOS) {
        current = best;
      }
    }
  }

  private static boolean isCandidate(Candidates candidates, Path p) {
    for (int i = 0; i < candidates.count; i++) {
      if (candidates.paths[i] == p) {
        return true;
      }
    }
    return false;
  }

  private static long srtt(Path p) {
    return p.rtt.hasSample() ? p.rtt.srtt() : Long.MAX_VALUE;
  }

  @Override
  public long pick(Candidates candidates, int length, long nowNanos) {
    return current == null ? 0 : 1L << current.id;
  }
}
