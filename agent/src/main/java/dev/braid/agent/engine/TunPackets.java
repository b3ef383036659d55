package dev.braid.agent.engine;

import java.nio.ByteBuffer;

/** IP packets one read round took from a worker's TUN queue; valid during the handler call. */
public interface TunPackets {
  int size();

  /** Packet {@code i}, position 0 to its length. */
  ByteBuffer packet(int i);
}
