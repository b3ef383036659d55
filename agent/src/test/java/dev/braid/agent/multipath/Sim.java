package dev.braid.agent.multipath;

import java.util.PriorityQueue;
import java.util.Random;

/** A discrete-event clock for simulations: events run in time order, ties in insertion order. */
final class Sim {
  static final long MS = 1_000_000L;
  static final long S = 1_000_000_000L;

  final Random random;
  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long now;
  private long seq;

  private record Event(long time, long seq, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  Sim(long seed) {
    this.random = new Random(seed);
  }

  long now() {
    return now;
  }

  void at(long time, Runnable action) {
    queue.add(new Event(Math.max(time, now), seq++, action));
  }

  /** Runs every event due up to and including {@code end}, then sets the clock to it. */
  void runUntil(long end) {
    while (!queue.isEmpty() && queue.peek().time <= end) {
      Event e = queue.poll();
      now = e.time;
      e.action.run();
    }
    now = end;
  }
}
