package dev.braid.agent.engine;

/**
 * The running loops as their handlers see them from any thread: how many there are, the port they
 * serve, and a wake-up that makes one run its {@link LoopTimer} soon. {@link Engine} is the real
 * one; tests drive handlers through an in-memory one.
 */
public interface Loops {
  /** The number of UDP workers; the TCP loop, if any, has index {@code workerCount()}. */
  int workerCount();

  /** The port every transport listens on. */
  int port();

  /**
   * Makes loop {@code loop} run its {@link LoopTimer} soon, from any thread (one eventfd write on a
   * real loop); used to hand work to the loop that owns a session. Waking the TCP loop of an engine
   * without TCP does nothing.
   */
  void wake(int loop);
}
