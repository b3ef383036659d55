package dev.braid.agent.openvpn.client;

import dev.braid.agent.openvpn.push.AddressPool;
import dev.braid.agent.openvpn.session.Output;
import dev.braid.agent.openvpn.session.ServerConfig;
import dev.braid.agent.openvpn.session.ServerSessions;
import dev.braid.agent.openvpn.session.Session;
import dev.braid.agent.openvpn.session.SessionEvent;
import dev.braid.agent.openvpn.tlswrap.ResetCookie;
import dev.braid.agent.openvpn.tlswrap.ResetRateLimiter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A {@link ClientSession} and the real server-side {@link ServerSessions} joined by in-memory paths
 * in simulated time, optionally losing packets at random (seeded) in both directions. The client
 * names its paths ({@code "A"}, {@code "B"}); the server sees path {@code X} as {@code "srv-X"}.
 */
final class ClientServerNet {
  static final long MS = 1_000_000L;
  static final long SECOND = 1_000 * MS;

  final ServerSessions<String> server;
  final Output<String> serverOut = new Output<>();
  final List<SessionEvent> serverEvents = new ArrayList<>();
  final ClientOutput<String> clientOut = new ClientOutput<>();
  final List<ClientEvent<String>> clientEvents = new ArrayList<>();
  final Random random;
  int lossPercent;
  boolean serverSilent;
  ClientSession<String> client;
  long now = 1_000 * SECOND; // not zero, so timers that start at "0" are visibly wrong

  /** Datagrams the server sent and the client received, for replay tests. */
  final List<byte[]> serverToClient = new ArrayList<>();

  /**
   * Server data packets still to be held back (delayed, as by reordering) rather than delivered.
   */
  int holdData;

  /** Held server data packets, for {@link #release}. */
  final List<byte[]> held = new ArrayList<>();

  ClientServerNet(Supplier<ServerConfig> live, int lossPercent, long seed) {
    this.server =
        new ServerSessions<>(
            live,
            new ResetCookie(new byte[32], 30_000 * MS),
            new ResetRateLimiter(100, 10),
            new AddressPool("10.8.0.0/24"),
            p -> p.getBytes(StandardCharsets.US_ASCII),
            ServerSessions.PeerIds.sequential());
    this.random = new Random(seed);
    this.lossPercent = lossPercent;
  }

  ClientServerNet(ServerConfig config, int lossPercent, long seed) {
    this(() -> config, lossPercent, seed);
  }

  /** Starts a client on path {@code "A"}; its reset goes out with the first {@link #step}. */
  ClientSession<String> start(ClientConfig config) {
    client = new ClientSession<>(config, "A", now, 1_700_000_000L + now / SECOND);
    return client;
  }

  boolean lost() {
    return lossPercent > 0 && random.nextInt(100) < lossPercent;
  }

  /** Delivers what the client produced to the server, then what the server produced back. */
  void deliver() {
    while (!clientOut.datagrams().isEmpty() || !serverOut.datagrams().isEmpty()) {
      List<ClientOutput.Datagram<String>> fromClient = List.copyOf(clientOut.datagrams());
      clientEvents.addAll(clientOut.events());
      clientOut.clear();
      for (ClientOutput.Datagram<String> d : fromClient) {
        if (!lost()) {
          server.receive(d.bytes(), 0, d.bytes().length, "srv-" + d.path(), now, serverOut);
        }
      }
      List<Output.Datagram<String>> fromServer = List.copyOf(serverOut.datagrams());
      serverEvents.addAll(serverOut.events());
      serverOut.clear();
      for (Output.Datagram<String> d : fromServer) {
        if (serverSilent || lost()) {
          continue;
        }
        if (holdData > 0 && (d.bytes()[0] & 0xFF) >>> 3 == 9) {
          holdData--;
          held.add(d.bytes());
          continue;
        }
        serverToClient.add(d.bytes());
        client.receive(d.bytes(), 0, d.bytes().length, d.path().substring(4), now, clientOut);
      }
    }
    clientEvents.addAll(clientOut.events());
    clientOut.clear();
  }

  /** Delivers a held packet to the client now. */
  void release(byte[] d) {
    client.receive(d, 0, d.length, "A", now, clientOut);
    deliver();
  }

  /** Runs both sides' timers at the current time and delivers everything. */
  void step() {
    client.poll(now, clientOut);
    server.poll(now, serverOut);
    deliver();
  }

  /**
   * Runs until {@code done}, moving time to the next timer (at most {@code tickNanos} ahead, so
   * callers with traffic of their own get their turn) and calling {@code each} every turn.
   */
  void runUntil(BooleanSupplier done, long limitNanos, long tickNanos, Runnable each) {
    step();
    while (!done.getAsBoolean()) {
      if (now > limitNanos) {
        throw new AssertionError(
            "not done by "
                + (limitNanos / MS)
                + " ms; client events "
                + clientEvents
                + ", server events "
                + serverEvents
                + ", client drops "
                + clientOut.drops()
                + ", server drops "
                + serverOut.drops());
      }
      long next = Math.min(client.nextWakeupNanos(), server.nextWakeupNanos());
      now = Math.max(now + 1, Math.min(next, now + tickNanos));
      each.run();
      step();
    }
  }

  void runUntil(BooleanSupplier done, long limitNanos) {
    runUntil(done, limitNanos, Long.MAX_VALUE / 4, () -> {});
  }

  /** Runs for {@code nanos} of simulated time, calling {@code each} at least every tick. */
  void runFor(long nanos, long tickNanos, Runnable each) {
    long end = now + nanos;
    runUntil(() -> now >= end, end + SECOND, tickNanos, each);
  }

  void connect() {
    runUntil(() -> client.isConnected() || client.isClosed(), now + 120 * SECOND);
    if (!client.isConnected()) {
      throw new AssertionError("client did not connect: " + client.closeReason());
    }
  }

  /** The server's session of the client (the first one, peer-id 0). */
  Session<String> serverSession() {
    return server.byPeerId(client.peerId());
  }

  <E> List<E> clientEvents(Class<E> type) {
    return clientEvents.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <E> List<E> serverEvents(Class<E> type) {
    return serverEvents.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The last close reason the client reported, or null. */
  CloseReason clientClosed() {
    List<ClientEvent.Closed> closed =
        clientEvents.stream()
            .filter(ClientEvent.Closed.class::isInstance)
            .map(ClientEvent.Closed.class::cast)
            .toList();
    return closed.isEmpty() ? null : closed.getLast().reason();
  }
}
