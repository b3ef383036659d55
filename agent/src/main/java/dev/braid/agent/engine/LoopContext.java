package dev.braid.agent.engine;

import java.nio.ByteBuffer;

/**
 * What a handler may do from its loop's thread (a UDP worker or the TCP loop): send, write to TUN,
 * count drops. The in-memory seam of the engine: tests implement it to drive handlers without
 * sockets or TUN.
 */
public interface LoopContext {
  /**
   * This loop's index: 0 to {@link #workerCount()} - 1 for the UDP workers, {@link #workerCount()}
   * for the TCP loop.
   */
  int loopIndex();

  /** The number of UDP workers. */
  int workerCount();

  /**
   * Queues a copy of {@code payload}'s remaining bytes to the peer on {@code path}; queued packets
   * go out after the handler returns (one sendmmsg on a worker, framed writes on the TCP loop), or
   * earlier when the batch fills. A path this loop cannot serve (a TCP path on a worker, a closed
   * connection) counts a {@link LoopDrop#SEND_FAILED}.
   */
  void send(Path path, ByteBuffer payload);

  /**
   * Writes a copy of one IP packet into this loop's TUN queue, at once or (TCP segments that may be
   * merged with the next ones) after the handler returns; counts a drop if the kernel refuses.
   */
  void writeTun(ByteBuffer packet);

  /** Counts dropped datagrams or packets. */
  void drop(LoopDrop reason, int count);
}
