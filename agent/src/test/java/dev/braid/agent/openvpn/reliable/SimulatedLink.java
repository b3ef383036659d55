package dev.braid.agent.openvpn.reliable;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Deterministic discrete-event network between two reliable endpoints: fixed one-way delay, loss
 * decided by a caller-supplied rule, simulated nanosecond clock. Records when each message is
 * delivered and how long the server's send window stayed blocked.
 */
final class SimulatedLink {
  enum Direction {
    SERVER_TO_CLIENT,
    CLIENT_TO_SERVER
  }

  /** Decides whether the n-th segment (0-based, per direction) is lost. */
  interface LossRule {
    boolean drop(Direction direction, int nth, Segment segment);
  }

  private record InFlight(long at, long seq, Direction direction, Segment segment) {}

  private static final boolean TRACE = Boolean.getBoolean("braid.trace");
  final ReliableEndpoint server;
  final ReliableEndpoint client;
  private final long oneWayNanos;
  private final LossRule loss;
  private final PriorityQueue<InFlight> wire =
      new PriorityQueue<>(
          (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private long seq;
  private static final long SERIALISATION_NANOS = 1_000_000;
  private final int[] sentPerDirection = new int[2];
  private final long[] lastArrival = new long[2];
  final int[] droppedPerDirection = new int[2];
  final List<byte[]> deliveredToClient = new ArrayList<>();
  final List<byte[]> deliveredToServer = new ArrayList<>();
  long now;

  SimulatedLink(
      ReliableConfig serverConfig, ReliableConfig clientConfig, long oneWayNanos, LossRule loss) {
    this.server = new ReliableEndpoint(serverConfig);
    this.client = new ReliableEndpoint(clientConfig);
    this.oneWayNanos = oneWayNanos;
    this.loss = loss;
  }

  /** Runs until both sides are idle with nothing on the wire, or until {@code limitNanos}. */
  long runUntilQuiet(long limitNanos) {
    while (now <= limitNanos) {
      flush(server, Direction.SERVER_TO_CLIENT);
      flush(client, Direction.CLIENT_TO_SERVER);
      long next = Math.min(server.nextWakeupNanos(), client.nextWakeupNanos());
      if (!wire.isEmpty()) {
        next = Math.min(next, wire.peek().at);
      }
      if (next == Long.MAX_VALUE) {
        return now;
      }
      now = Math.max(now, next);
      while (!wire.isEmpty() && wire.peek().at <= now) {
        InFlight f = wire.poll();
        ReliableEndpoint to = f.direction == Direction.SERVER_TO_CLIENT ? client : server;
        to.receive(f.segment, now);
        drain(
            to, f.direction == Direction.SERVER_TO_CLIENT ? deliveredToClient : deliveredToServer);
      }
    }
    throw new AssertionError("simulation did not settle within " + limitNanos + " ns");
  }

  private void flush(ReliableEndpoint from, Direction direction) {
    for (Segment s : from.poll(now)) {
      int nth = sentPerDirection[direction.ordinal()]++;
      boolean lost = loss.drop(direction, nth, s);
      if (TRACE) {
        System.out.printf("%8.1f ms %s %s%s%n", now / 1e6, direction, s, lost ? " LOST" : "");
      }
      if (lost) {
        droppedPerDirection[direction.ordinal()]++;
      } else {
        // packets leave one after another: 1 ms serialisation each keeps a flight spread out
        long at =
            Math.max(now + oneWayNanos, lastArrival[direction.ordinal()] + SERIALISATION_NANOS);
        lastArrival[direction.ordinal()] = at;
        wire.add(new InFlight(at, seq++, direction, s));
      }
    }
  }

  private static void drain(ReliableEndpoint to, List<byte[]> sink) {
    ReliableReceiver.Message m;
    while ((m = to.nextMessage()) != null) {
      sink.add(m.payload());
    }
  }
}
