package dev.braid.agent.openvpn.reliable;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * ACKs the receiver owes the peer: ids not yet written to any packet (never dropped, unlike
 * upstream's fixed 8-slot queue), and a most-recently-used list of ids already written, re-sent in
 * spare slots so that one lost ACK packet is repaired by the next packet of any kind.
 */
final class AckTracker {
  private final boolean reAckRecent;
  private final ArrayDeque<Integer> pending = new ArrayDeque<>();
  private final int[] recent = new int[ReliableConfig.MAX_ACKS_ACCEPTED];
  private int recentCount;

  AckTracker(boolean reAckRecent) {
    this.reAckRecent = reAckRecent;
  }

  void owe(int id) {
    if (!pending.contains(id)) {
      pending.add(id);
    }
  }

  boolean hasPending() {
    return !pending.isEmpty();
  }

  /**
   * Takes up to {@code max} ids for the next packet: owed ones first, then recent ones if enabled.
   */
  int[] take(int max) {
    int[] out = new int[max];
    int n = 0;
    while (n < max && !pending.isEmpty()) {
      int id = pending.removeFirst();
      out[n++] = id;
      remember(id);
    }
    if (reAckRecent) {
      // every packet repeats recent ids, so a lost ACK is repaired by whatever packet comes next
      for (int i = 0; i < recentCount && n < max; i++) {
        if (!contains(out, n, recent[i])) {
          out[n++] = recent[i];
        }
      }
    }
    return n == max ? out : Arrays.copyOf(out, n);
  }

  private void remember(int id) {
    int at = 0;
    while (at < recentCount && recent[at] != id) {
      at++;
    }
    if (at == recentCount && recentCount < recent.length) {
      recentCount++;
    }
    System.arraycopy(recent, 0, recent, 1, Math.min(at, recent.length - 1));
    recent[0] = id;
  }

  private static boolean contains(int[] ids, int n, int id) {
    for (int i = 0; i < n; i++) {
      if (ids[i] == id) {
        return true;
      }
    }
    return false;
  }
}
