package dev.braid.agent.gateway;

import dev.braid.agent.multipath.LinkSnapshot;
import java.util.Map;

/**
 * A multipath session's paths and counters as its loop last published them.
 *
 * @param link every path's state and the scheduler's and reorder buffer's counters
 * @param paths the addresses of each path id in {@code link}
 * @param takenWallMillis the wall clock when {@code link} was taken (its times are on the loop's
 *     monotonic clock, {@link LinkSnapshot#atNanos})
 */
public record MultipathView(LinkSnapshot link, Map<Integer, PathView> paths, long takenWallMillis) {
  public MultipathView {
    paths = Map.copyOf(paths);
  }

  /** The wall-clock millisecond of a time on the loop's clock in {@link #link}. */
  public long wallMillis(long loopNanos) {
    return takenWallMillis - (link.atNanos() - loopNanos) / 1_000_000;
  }
}
