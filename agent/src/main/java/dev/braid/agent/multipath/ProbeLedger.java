package dev.braid.agent.multipath;

/**
 * The probes sent on one path that a reply may still answer: the last {@value #SIZE}, with what was
 * sent on the path up to each. A reply is accepted only for a sequence number in this ledger, not
 * yet answered, echoing the timestamp the probe carried; so a forged, replayed or misrouted reply
 * cannot produce a sample.
 */
final class ProbeLedger {
  static final int SIZE = 64;

  private final long[] sequence = new long[SIZE];
  private final long[] sentNanos = new long[SIZE];
  private final long[] sentPackets = new long[SIZE];
  private final long[] sentBytes = new long[SIZE];
  private final boolean[] answered = new boolean[SIZE];
  private long lastSequence; // 0: none sent yet; sequence numbers start at 1

  /** Records a new probe and returns its sequence number (32-bit, wrapping past zero). */
  long next(long nowNanos, long packetsIncludingThis, long bytesIncludingThis) {
    long seq = lastSequence == 0xFFFF_FFFFL ? 1 : lastSequence + 1;
    lastSequence = seq;
    int i = (int) (seq % SIZE);
    sequence[i] = seq;
    sentNanos[i] = nowNanos;
    sentPackets[i] = packetsIncludingThis;
    sentBytes[i] = bytesIncludingThis;
    answered[i] = false;
    return seq;
  }

  /** Null if a reply to {@code seq} echoing {@code echoedNanos} answers an outstanding probe. */
  ProbeDrop check(long seq, long echoedNanos) {
    int i = slot(seq);
    if (seq == 0 || sequence[i] != seq) {
      return ProbeDrop.UNKNOWN_SEQUENCE;
    }
    if (answered[i]) {
      return ProbeDrop.ALREADY_ANSWERED;
    }
    return sentNanos[i] == echoedNanos ? null : ProbeDrop.ECHO_MISMATCH;
  }

  /** Where the probe with sequence number {@code seq} is kept. */
  static int slot(long seq) {
    return (int) (seq % SIZE);
  }

  void markAnswered(int slot) {
    answered[slot] = true;
  }

  long sentNanos(int slot) {
    return sentNanos[slot];
  }

  long sentPackets(int slot) {
    return sentPackets[slot];
  }

  long sentBytes(int slot) {
    return sentBytes[slot];
  }

  /**
   * Unanswered probes, newest first, that are older than {@code timeoutNanos}, counted until the
   * first answered one: the current run of missed probes. Probes still within their timeout are
   * skipped, they are neither missed nor answered yet.
   */
  int missedInARow(long nowNanos, long timeoutNanos) {
    int missed = 0;
    for (int k = 0; k < SIZE && lastSequence - k >= 1; k++) {
      int i = (int) ((lastSequence - k) % SIZE);
      if (sequence[i] != lastSequence - k || answered[i]) {
        break;
      }
      if (nowNanos - sentNanos[i] >= timeoutNanos) {
        missed++;
      }
    }
    return missed;
  }

  /**
   * When the newest unanswered probe that is not yet overdue becomes overdue, or {@link
   * Long#MAX_VALUE} if none is pending.
   */
  long nextOverdueNanos(long nowNanos, long timeoutNanos) {
    long next = Long.MAX_VALUE;
    for (int k = 0; k < SIZE && lastSequence - k >= 1; k++) {
      int i = (int) ((lastSequence - k) % SIZE);
      if (sequence[i] != lastSequence - k || answered[i]) {
        break;
      }
      long due = sentNanos[i] + timeoutNanos;
      if (due - nowNanos > 0) {
        next = Math.min(next, due);
      } else {
        break; // older ones are overdue too
      }
    }
    return next;
  }
}
