package dev.braid.agent.multipath;

import java.util.List;
import java.util.Map;

/**
 * Everything a {@link MultipathLink} measured, at one moment; immutable, for status and metrics on
 * other threads.
 *
 * @param atNanos when it was taken (owner's clock)
 * @param paths the session's paths, by id
 * @param scheduler the scheduler's counters
 * @param reorder the reorder buffers' counters
 * @param probeDrops probe messages not used, by reason (zero counts omitted)
 * @param pathsRefused paths refused because the session had {@code maxPaths} already
 * @param pathsRemoved paths removed (by the caller, or learned paths down too long)
 * @param duplicatesReceived copies of already received packets, all paths
 */
public record LinkSnapshot(
    long atNanos,
    List<PathSnapshot> paths,
    SchedulerSnapshot scheduler,
    ReorderSnapshot reorder,
    Map<ProbeDrop, Long> probeDrops,
    long pathsRefused,
    long pathsRemoved,
    long duplicatesReceived) {

  public LinkSnapshot {
    paths = List.copyOf(paths);
    probeDrops = Map.copyOf(probeDrops);
  }

  /** The path with id {@code id}; throws if there is none. */
  public PathSnapshot path(int id) {
    for (PathSnapshot p : paths) {
      if (p.id() == id) {
        return p;
      }
    }
    throw new IllegalArgumentException("no path " + id + " in " + paths);
  }

  /** Probe messages dropped for {@code reason}. */
  public long probeDrops(ProbeDrop reason) {
    return probeDrops.getOrDefault(reason, 0L);
  }
}
