package dev.braid.agent.engine;

import java.nio.ByteBuffer;

/**
 * The datagrams one receive call delivered to a worker, already stripped of empty and oversized
 * ones. Buffers and paths are only valid during the {@link DatagramHandler} call.
 */
public interface Datagrams {
  int size();

  /** Payload of datagram {@code i}, position 0 to its length; may be modified in place. */
  ByteBuffer payload(int i);

  /** The path datagram {@code i} came over. */
  Path path(int i);
}
