package dev.braid.agent.engine;

/**
 * A handler's clock: the loop (a worker or the TCP loop) calls it once per turn (after the ready
 * descriptors were served, after a wake-up from {@link Loops#wake}, and when the deadline it
 * returned last time has passed) and sleeps in epoll_wait no longer than until the returned
 * deadline. This gives protocol timers (retransmissions, keepalive) a tick without a timer thread
 * or a lock: everything runs on the loop that owns the state.
 */
@FunctionalInterface
public interface LoopTimer {
  /** No deadline: sleep until a descriptor is ready or the loop is woken. */
  long NONE = Long.MAX_VALUE;

  /**
   * Runs due work (datagrams it queues go out when it returns) and returns the next deadline in
   * {@link System#nanoTime()} terms, or {@link #NONE}.
   */
  long onTimer(LoopContext context, long nowNanos);
}
