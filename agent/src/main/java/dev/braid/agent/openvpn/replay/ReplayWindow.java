package dev.braid.agent.openvpn.replay;

import dev.braid.agent.openvpn.wire.DropReason;

/**
 * Sliding replay window over 32-bit packet ids within an epoch (the sender's start time in the long
 * form used by tls-auth/tls-crypt; always 0 for the data channel). Defaults match OpenVPN's {@code
 * --replay-window 64 15}: an id may lag the highest seen by fewer than 64, and only within 15 s of
 * the highest id's arrival. Id 0 is never valid. Check first, then {@link #accept} only after the
 * packet authenticated. Not thread-safe.
 */
public final class ReplayWindow {
  private final int size;
  private final long maxLateNanos;
  private final long[] seenAt; // ring by id: arrival time of that id, 0 = unseen
  private final long[] openedAt; // ring by id: when the window moved past this slot
  private long epoch = -1;
  private long highest;

  public ReplayWindow(int size, long maxLateNanos) {
    if (size < 1 || size > 65536) {
      throw new IllegalArgumentException("replay window size must be 1..65536: " + size);
    }
    this.size = size;
    this.maxLateNanos = maxLateNanos;
    this.seenAt = new long[size];
    this.openedAt = new long[size];
  }

  /** OpenVPN's default: 64 packets, 15 seconds. */
  public static ReplayWindow openvpnDefault() {
    return new ReplayWindow(64, 15_000_000_000L);
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
    long lag = highest - id;
    if (lag >= size) {
      return DropReason.REPLAY_TOO_OLD;
    }
    int slot = (int) (id % size);
    if (seenAt[slot] != 0) {
      return DropReason.REPLAY;
    }
    return nowNanos - openedAt[slot] > maxLateNanos ? DropReason.REPLAY_TOO_OLD : null;
  }

  /** Records an authenticated id that {@link #check} accepted. */
  public void accept(long epoch, int packetId, long nowNanos) {
    long id = Integer.toUnsignedLong(packetId);
    if (epoch != this.epoch) {
      this.epoch = epoch;
      java.util.Arrays.fill(seenAt, 0);
      java.util.Arrays.fill(openedAt, nowNanos);
      highest = id;
    }
    long stamp = nowNanos == 0 ? 1 : nowNanos;
    if (id > highest) {
      long from = Math.max(highest + 1, id - size + 1);
      for (long i = from; i <= id; i++) {
        int s = (int) (i % size);
        seenAt[s] = 0;
        openedAt[s] = nowNanos;
      }
      highest = id;
    }
    seenAt[(int) (id % size)] = stamp;
  }
}
