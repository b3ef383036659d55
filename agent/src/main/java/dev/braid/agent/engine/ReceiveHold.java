package dev.braid.agent.engine;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Receive moderation, as a NIC's interrupt moderation or NAPI's deferred flush: while datagrams
 * stream in (the previous receive found data less than {@link #STREAMING_NANOS} ago), a loop waits
 * one hold before it receives, so that one recvmmsg, one merged TUN write and one round of the
 * inner TCP's ACKs cover many packets instead of the two or three that arrive while it handles the
 * previous ones. Without it a worker faster than its sender wakes for every few packets and pays
 * for a wake-up, a receive call, a TUN write and the receiving application's context switch each
 * time. An isolated packet (a ping, a handshake, a keepalive) is received at once; only packets
 * that follow others by less than a millisecond wait, by at most one hold.
 *
 * <p>One per loop thread; not thread-safe.
 */
public final class ReceiveHold {
  /** Packets closer together than this count as a stream. */
  static final long STREAMING_NANOS = 1_000_000;

  private final long holdNanos;
  private final LongSupplier clock;
  private final LongConsumer parker;
  private long lastReceiveNanos;
  private long holds;

  /** {@code holdMicros} 0 turns moderation off. */
  public ReceiveHold(int holdMicros) {
    this(holdMicros, System::nanoTime, LockSupport::parkNanos);
  }

  ReceiveHold(int holdMicros, LongSupplier clock, LongConsumer parker) {
    if (holdMicros < 0) {
      throw new IllegalArgumentException("holdMicros must not be negative: " + holdMicros);
    }
    this.holdNanos = holdMicros * 1_000L;
    this.clock = clock;
    this.parker = parker;
    this.lastReceiveNanos = clock.getAsLong() - 2 * STREAMING_NANOS; // nothing received yet
  }

  /**
   * Call when the descriptor is readable, before receiving: may park the thread one hold; true if
   * it did.
   */
  public boolean beforeReceive() {
    if (holdNanos > 0 && clock.getAsLong() - lastReceiveNanos < STREAMING_NANOS) {
      holds++;
      parker.accept(holdNanos);
      return true;
    }
    return false;
  }

  /** How many times {@link #beforeReceive()} waited. */
  public long holds() {
    return holds;
  }

  /** Call when a receive found data. */
  public void received(long nowNanos) {
    lastReceiveNanos = nowNanos;
  }
}
