package dev.braid.agent.multipath;

/**
 * The paths a scheduler may use now: the first non-empty tier of UP non-backup, UP backup, DEGRADED
 * (non-backup first), PROBING, and finally the down path heard from last. So backup uplinks carry
 * traffic only when no non-backup path is up, for every scheduler. The redundant scheduler copies
 * onto degraded paths too ({@code withDegraded}). Recomputed when a state or an estimate changes,
 * not per packet.
 */
final class Candidates {
  final Path[] paths;
  int count;
  Tier tier = Tier.NONE;

  /** Bit i set: path i is a candidate. */
  long mask;

  Candidates(int capacity) {
    paths = new Path[capacity];
  }

  void refresh(Path[] table, boolean withDegraded) {
    count = 0;
    mask = 0;
    if (collect(table, s -> s == PathState.UP || withDegraded && s == PathState.DEGRADED, false)) {
      tier = Tier.PRIMARY;
    } else if (collect(
        table, s -> s == PathState.UP || withDegraded && s == PathState.DEGRADED, true)) {
      tier = Tier.BACKUP;
    } else if (collect(table, s -> s == PathState.DEGRADED, false)
        || collect(table, s -> s == PathState.DEGRADED, true)) {
      tier = Tier.DEGRADED;
    } else if (collect(table, s -> s == PathState.PROBING, false)
        || collect(table, s -> s == PathState.PROBING, true)) {
      tier = Tier.PROBING;
    } else {
      Path last = null;
      for (Path p : table) {
        if (p != null
            && (last == null
                || p.health.answered()
                    && (!last.health.answered()
                        || p.health.lastAnswerNanos() - last.health.lastAnswerNanos() > 0))) {
          last = p;
        }
      }
      if (last != null) {
        add(last);
      }
      tier = last == null ? Tier.NONE : Tier.DOWN;
    }
  }

  private interface StateTest {
    boolean test(PathState s);
  }

  private boolean collect(Path[] table, StateTest test, boolean backup) {
    for (Path p : table) {
      if (p != null && p.backup == backup && test.test(p.state())) {
        add(p);
      }
    }
    return count > 0;
  }

  private void add(Path p) {
    paths[count++] = p;
    mask |= 1L << p.id;
  }

  boolean contains(int pathId) {
    return (mask & (1L << pathId)) != 0;
  }
}
