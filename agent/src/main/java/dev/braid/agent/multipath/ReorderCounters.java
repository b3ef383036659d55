package dev.braid.agent.multipath;

/** Counters of the reorder buffers of one session (all keys). Written by the owner only. */
final class ReorderCounters {
  long held;
  long releasedInOrder;
  long releasedLate;
  long duplicatesDropped;
  long idsGivenUp;
  final long[] gapsGivenUp = new long[GapReason.values().length];
  long heldNow;
  long heldBytesNow;
}
