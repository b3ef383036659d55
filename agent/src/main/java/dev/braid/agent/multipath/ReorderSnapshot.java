package dev.braid.agent.multipath;

import java.util.Map;

/**
 * The reorder buffers' counters (all keys of the session) at snapshot time.
 *
 * @param enabled whether packets are reordered at all
 * @param holdTimeoutNanos how long a gap is waited for now (delay spread plus margin)
 * @param held packets that had to wait for a gap
 * @param heldNow packets waiting now
 * @param heldBytesNow their bytes
 * @param releasedInOrder packets released in packet-id order
 * @param releasedLate packets that arrived after their gap was given up
 * @param duplicatesDropped copies of a held packet
 * @param idsGivenUp packet ids never received before their gap was given up
 * @param gapsGivenUp gaps given up, by reason
 */
public record ReorderSnapshot(
    boolean enabled,
    long holdTimeoutNanos,
    long held,
    long heldNow,
    long heldBytesNow,
    long releasedInOrder,
    long releasedLate,
    long duplicatesDropped,
    long idsGivenUp,
    Map<GapReason, Long> gapsGivenUp) {

  public ReorderSnapshot {
    gapsGivenUp = Map.copyOf(gapsGivenUp);
  }

  /** Gaps given up for any reason. */
  public long gapsGivenUpTotal() {
    return gapsGivenUp.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Gaps given up for {@code reason}. */
  public long gapsGivenUp(GapReason reason) {
    return gapsGivenUp.getOrDefault(reason, 0L);
  }
}
