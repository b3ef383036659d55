package dev.braid.agent.gateway;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded multi-producer, single-consumer queue without locks: any worker offers, only the owner
 * polls. Each slot carries a sequence number that tells producers whether it is free and the
 * consumer whether it is filled (the classic bounded-array scheme), so a full queue fails at once
 * and the producer counts a drop instead of waiting.
 */
final class HandoffQueue<T> {
  private final int mask;
  private final AtomicReferenceArray<T> items;
  private final AtomicLongArray sequence;
  private final AtomicLong tail = new AtomicLong();
  private long head; // consumer only

  HandoffQueue(int capacity) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
    }
    mask = capacity - 1;
    items = new AtomicReferenceArray<>(capacity);
    sequence = new AtomicLongArray(capacity);
    for (int i = 0; i < capacity; i++) {
      sequence.set(i, i);
    }
  }

  /** Adds {@code item}; false when the queue is full. Any thread. */
  boolean offer(T item) {
    while (true) {
      long t = tail.get();
      int slot = (int) t & mask;
      long seq = sequence.get(slot);
      if (seq == t) {
        if (tail.compareAndSet(t, t + 1)) {
          items.set(slot, item);
          sequence.set(slot, t + 1);
          return true;
        }
      } else if (seq < t) {
        return false;
      }
    }
  }

  /** The oldest item, or null. Owner thread only. */
  T poll() {
    int slot = (int) head & mask;
    if (sequence.get(slot) != head + 1) {
      return null;
    }
    T item = items.get(slot);
    items.set(slot, null);
    sequence.set(slot, head + mask + 1);
    head++;
    return item;
  }
}
