package dev.braid.agent.multipath;

import java.util.function.Consumer;

/**
 * One direction of a simulated path: random loss (nft-style, before the queue), a blackhole switch
 * (link up, everything dropped), a tail-drop queue drained at a fixed rate (tbf-style, bounded in
 * time), then a fixed one-way delay.
 */
final class SimWire {
  /** IP, UDP and DATA_V2 overhead on top of the payload. */
  static final int OVERHEAD = 20 + 8 + 24;

  private final Sim sim;
  private final Consumer<SimPacket> receiver;
  double bytesPerSecond;
  long delayNanos;

  /** Extra delay drawn uniformly from [0, jitter) per packet; arrivals stay in order. */
  long jitterNanos;

  double loss;
  boolean blackhole;
  long queueLimitNanos = 100 * Sim.MS;
  private long busyUntil;
  private long lastArrival;
  long sent;
  long dropped;

  /** Drops the next data packet sent with this application sequence number, once. */
  long dropAppSeq = -1;

  SimWire(Sim sim, double mbit, double delayMs, double loss, Consumer<SimPacket> receiver) {
    this.sim = sim;
    this.bytesPerSecond = mbit * 1e6 / 8;
    this.delayNanos = (long) (delayMs * Sim.MS);
    this.loss = loss;
    this.receiver = receiver;
  }

  void transmit(SimPacket p) {
    sent++;
    long now = sim.now();
    if (blackhole || (loss > 0 && sim.random.nextDouble() < loss)) {
      dropped++;
      return;
    }
    if (p.app() != null && p.app().seq() == dropAppSeq) {
      dropAppSeq = -1;
      dropped++;
      return;
    }
    long start = Math.max(busyUntil, now);
    if (start - now > queueLimitNanos) {
      dropped++;
      return;
    }
    busyUntil = start + (long) ((p.length() + OVERHEAD) * 1e9 / bytesPerSecond);
    long jitter = jitterNanos > 0 ? (long) (sim.random.nextDouble() * jitterNanos) : 0;
    lastArrival = Math.max(lastArrival, busyUntil + delayNanos + jitter);
    sim.at(lastArrival, () -> receiver.accept(p));
  }
}
