package dev.braid.agent.openvpn.replay;

import dev.braid.agent.openvpn.wire.DropReason;
import java.util.Arrays;

/**
 * Sliding replay window over 32-bit packet ids within an epoch (the sender's start time in the long
 * form used by tls-auth/tls-crypt; always 0 for the data channel). Defaults match OpenVPN's {@code
 * --replay-window 64 15}: an id may lag the highest seen by fewer than {@code size}, and only
 * within the time limit of the moment the window moved past it. Id 0 is never valid. Check first,
 * then {@link #accept} only after the packet authenticated. Not thread-safe.
 *
 * <p>Sizes up to {@value #MAX_SIZE} (OpenVPN's {@code replay-window} range) keep one bit per id, so
 * a 4096-wide window for a multipath session costs 512 bytes. The time limit is kept as a short
 * list of steps (when the highest id advanced, and to where) rather than a timestamp per id:
 * advances closer together than 1/32 of the limit share one step, which can only make a late packet
 * expire up to that much earlier, never later.
 */
public final class ReplayWindow {
  /** OpenVPN's default window. */
  public static final int DEFAULT_SIZE = 64;

  /** OpenVPN's largest {@code replay-window}. */
  public static final int MAX_SIZE = 65536;

  /** OpenVPN's default time limit: 15 s. */
  public static final long DEFAULT_MAX_LATE_NANOS = 15_000_000_000L;

  private static final int STEPS = 64;

  private final int size;
  private final long maxLateNanos;
  private final long stepResolutionNanos;
  private final long[] seen; // ring bitmap by id
  private final long mask; // capacity in bits - 1 (capacity a power of two >= size)
  // Steps, oldest first in a ring: at stepAt[i] the highest id became stepHighest[i]. An id's
  // window opened at the time of the first step whose highest is >= the id.
  private final long[] stepHighest = new long[STEPS];
  private final long[] stepAt = new long[STEPS];
  private int stepHead;
  private int stepCount;
  private long expiredThrough; // every id <= this one is past the time limit
  private long epoch = -1;
  private long highest;

  /**
   * @param size how far behind the highest id a packet may still arrive, 1..{@value #MAX_SIZE}
   * @param maxLateNanos how long after the window moved past an id that id may still arrive
   */
  public ReplayWindow(int size, long maxLateNanos) {
    if (size < 1 || size > MAX_SIZE) {
      throw new IllegalArgumentException("replay window size must be 1.." + MAX_SIZE + ": " + size);
    }
    if (maxLateNanos < 0) {
      throw new IllegalArgumentException("replay window time limit must be >= 0: " + maxLateNanos);
    }
    this.size = size;
    this.maxLateNanos = maxLateNanos;
    this.stepResolutionNanos = Math.max(1, maxLateNanos / 32);
    int capacity = Math.max(64, Integer.highestOneBit(size - 1) << 1);
    this.seen = new long[capacity / 64];
    this.mask = capacity - 1;
  }

  /** OpenVPN's default: 64 packets, 15 seconds. */
  public static ReplayWindow openvpnDefault() {
    return new ReplayWindow(DEFAULT_SIZE, DEFAULT_MAX_LATE_NANOS);
  }

  /** A window of {@code size} packets with OpenVPN's 15 s time limit. */
  public static ReplayWindow ofSize(int size) {
    return new ReplayWindow(size, DEFAULT_MAX_LATE_NANOS);
  }

  /** How far behind the highest id a packet may still arrive. */
  public int size() {
    return size;
  }

  /** Null if the id would be accepted, else why not. Does not change state. */
  public DropReason check(long epoch, int packetId, long nowNanos) {
    long id = Integer.toUnsignedLong(packetId);
    if (id == 0) {
      return DropReason.REPLAY_ID_ZERO;
    }
    if (epoch != this.epoch) {
      return epoch > this.epoch ? null : DropReason.REPLAY_TOO_OLD;
    }
    if (id > highest) {
      return null;
    }
    if (highest - id >= size) {
      return DropReason.REPLAY_TOO_OLD;
    }
    if (isSeen(id)) {
      return DropReason.REPLAY;
    }
    return isExpired(id, nowNanos) ? DropReason.REPLAY_TOO_OLD : null;
  }

  /** Records an authenticated id that {@link #check} accepted. */
  public void accept(long epoch, int packetId, long nowNanos) {
    long id = Integer.toUnsignedLong(packetId);
    if (epoch != this.epoch) {
      this.epoch = epoch;
      Arrays.fill(seen, 0);
      stepCount = 0;
      expiredThrough = 0;
      highest = id;
      pushStep(id, nowNanos);
    }
    expireSteps(nowNanos);
    if (id > highest) {
      clearRange(highest + 1, id);
      highest = id;
      recordAdvance(id, nowNanos);
    }
    seen[(int) ((id & mask) >>> 6)] |= 1L << (id & 63);
  }

  private boolean isSeen(long id) {
    return (seen[(int) ((id & mask) >>> 6)] & (1L << (id & 63))) != 0;
  }

  private boolean isExpired(long id, long nowNanos) {
    if (id <= expiredThrough) {
      return true;
    }
    // Reordered ids are usually close to the highest: search from the newest step backwards for
    // the oldest step that already covered the id.
    int covering = -1;
    for (int k = stepCount - 1; k >= 0; k--) {
      int i = (stepHead + k) % STEPS;
      if (stepHighest[i] < id) {
        break;
      }
      covering = i;
    }
    return covering >= 0 && nowNanos - stepAt[covering] > maxLateNanos;
  }

  private void expireSteps(long nowNanos) {
    while (stepCount > 0 && nowNanos - stepAt[stepHead] > maxLateNanos) {
      expiredThrough = Math.max(expiredThrough, stepHighest[stepHead]);
      stepHead = (stepHead + 1) % STEPS;
      stepCount--;
    }
  }

  private void recordAdvance(long id, long nowNanos) {
    if (stepCount > 0) {
      int newest = (stepHead + stepCount - 1) % STEPS;
      if (stepCount == STEPS || nowNanos - stepAt[newest] < stepResolutionNanos) {
        stepHighest[newest] = id; // the newer ids inherit the earlier time: stricter, never looser
        return;
      }
    }
    pushStep(id, nowNanos);
  }

  private void pushStep(long id, long nowNanos) {
    int i = (stepHead + stepCount) % STEPS;
    stepHighest[i] = id;
    stepAt[i] = nowNanos;
    stepCount++;
  }

  /** Marks ids {@code from..to} (inclusive) unseen. */
  private void clearRange(long from, long to) {
    if (to - from >= mask) {
      Arrays.fill(seen, 0);
      return;
    }
    long i = from;
    while (i <= to) {
      int bit = (int) (i & mask);
      int offset = bit & 63;
      int span = (int) Math.min(64 - offset, to - i + 1);
      long bits = span == 64 ? -1L : ((1L << span) - 1) << offset;
      seen[bit >>> 6] &= ~bits;
      i += span;
    }
  }
}
