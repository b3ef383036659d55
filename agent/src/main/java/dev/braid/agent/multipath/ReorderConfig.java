package dev.braid.agent.multipath;

import java.time.Duration;

/**
 * Tuning of the receiver's reorder buffer.
 *
 * @param enabled hold packets that arrive after a gap until the gap fills or is given up; off
 *     releases every packet at once, in arrival order
 * @param maxPackets most packets held per key; beyond it the oldest gap is given up
 * @param maxBytes most payload bytes held per key; beyond it the oldest gap is given up
 * @param margin added to the paths' delay spread to form the hold timeout
 * @param maxHold longest a gap is waited for, whatever the delays say (also the timeout before any
 *     delay is measured)
 */
public record ReorderConfig(
    boolean enabled, int maxPackets, int maxBytes, Duration margin, Duration maxHold) {

  public ReorderConfig {
    if (maxPackets < 1 || maxPackets > 65536) {
      throw new IllegalArgumentException("reorder maxPackets must be 1..65536: " + maxPackets);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("reorder maxBytes must be >= 1: " + maxBytes);
    }
    if (margin.isNegative() || maxHold.isNegative() || margin.compareTo(maxHold) > 0) {
      throw new IllegalArgumentException(
          "reorder margin " + margin + " must be >= 0 and <= maxHold " + maxHold);
    }
  }

  /**
   * On; 2048 packets or 4 MiB per key (about 90 ms at 300 Mbit/s of 1400-byte packets, more than
   * any sane delay spread); 10 ms margin; at most 500 ms.
   */
  public static ReorderConfig defaults() {
    return new ReorderConfig(true, 2048, 4 << 20, Duration.ofMillis(10), Duration.ofMillis(500));
  }

  /** No reordering: packets are released in arrival order (single-path sessions, or tests). */
  public static ReorderConfig off() {
    return new ReorderConfig(false, 1, 1, Duration.ZERO, Duration.ZERO);
  }
}
