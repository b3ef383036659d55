package dev.braid.agent.engine;

/**
 * A handler's clock: the worker calls it once per loop turn (after the ready descriptors were
 * served, after a wake-up from {@link Engine#wake}, and when the deadline it returned last time has
 * passed) and sleeps in epoll_wait no longer than until the returned deadline. This gives protocol
 * timers (retransmissions, keepalive) a tick without a timer thread or a lock: everything runs on
 * the worker that owns the state.
 */
@FunctionalInterface
public interface WorkerTimer {
  /** No deadline: sleep until a descriptor is ready or the worker is woken. */
  long NONE = Long.MAX_VALUE;

  /**
   * Runs due work (datagrams it queues go out when it returns) and returns the next deadline in
   * {@link System#nanoTime()} terms, or {@link #NONE}.
   */
  long onTimer(WorkerContext context, long nowNanos);
}
