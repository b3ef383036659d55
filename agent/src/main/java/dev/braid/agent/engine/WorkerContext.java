package dev.braid.agent.engine;

import java.nio.ByteBuffer;

/** What a handler may do from its worker's thread: send, write to TUN, count drops. */
public interface WorkerContext {
  /** This worker's index, 0 to {@link #workerCount()} - 1. */
  int workerIndex();

  int workerCount();

  /**
   * Queues a copy of {@code payload}'s remaining bytes to the peer on {@code path}; queued
   * datagrams go out in one sendmmsg after the handler returns (or when the batch fills).
   */
  void send(Path path, ByteBuffer payload);

  /**
   * Writes a copy of one IP packet into this worker's TUN queue, at once or (TCP segments that may
   * be merged with the next ones) after the handler returns; counts a drop if the kernel refuses.
   */
  void writeTun(ByteBuffer packet);

  /** Counts dropped datagrams or packets. */
  void drop(LoopDrop reason, int count);
}
