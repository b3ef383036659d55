package dev.braid.agent.openvpn.multipath;

import dev.braid.agent.openvpn.client.ClientConfig;
import dev.braid.agent.openvpn.client.ClientEvent;
import dev.braid.agent.openvpn.client.ClientOutput;
import dev.braid.agent.openvpn.client.ClientSession;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * A site's {@link ClientSession} and a hub's real {@link ServerSessions} joined by simulated paths
 * in simulated time. Each path has a one-way delay, a rate (packets queue behind each other per
 * direction), random loss and a blackhole switch. The site names its paths {@code "A"}, {@code
 * "B"}; the hub sees path {@code X} as {@code "srv-X"} (as it would see the uplink's source
 * address).
 */
final class TwoPathNet {
  static final long MS = 1_000_000L;
  static final long SECOND = 1_000 * MS;

  /** One simulated path. */
  static final class Link {
    long delayNanos = 10 * MS;
    long bytesPerSecond = 2_000_000;
    int lossPercent;
    boolean blackholed;
    long upFreeAt;
    long downFreeAt;
    long upDatagrams;
    long downDatagrams;

    long depart(boolean up, int len, long now) {
      long free = Math.max(now, up ? upFreeAt : downFreeAt) + len * SECOND / bytesPerSecond;
      if (up) {
        upFreeAt = free;
      } else {
        downFreeAt = free;
      }
      return free + delayNanos;
    }
  }

  private record InFlight(long at, long seq, boolean toHub, String path, byte[] bytes) {}

  final ServerSessions<String> hub;
  final Output<String> hubOut = new Output<>();
  final List<SessionEvent> hubEvents = new ArrayList<>();
  final ClientOutput<String> siteOut = new ClientOutput<>();
  final List<ClientEvent<String>> siteEvents = new ArrayList<>();
  final Map<String, Link> links = new HashMap<>();
  private final PriorityQueue<InFlight> wire =
      new PriorityQueue<>(
          (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private final Random random;
  private long seq;
  ClientSession<String> site;
  long now = 1_000 * SECOND;

  /** Site-to-hub DATA_V2 datagrams as sent, with their path, for replay tests. */
  final List<Map.Entry<String, byte[]>> siteData = new ArrayList<>();

  /** Where the hub receives what the site sent on a path; a test may redirect it. */
  java.util.function.Function<String, String> hubSees = p -> "srv-" + p;

  TwoPathNet(ServerConfig config, long seed) {
    this.hub =
        new ServerSessions<>(
            () -> config,
            new ResetCookie(new byte[32], 30_000 * MS),
            new ResetRateLimiter(100, 10),
            new AddressPool("10.8.0.0/24"),
            p -> p.getBytes(StandardCharsets.US_ASCII),
            ServerSessions.PeerIds.sequential());
    this.random = new Random(seed);
    links.put("A", new Link());
    links.put("B", new Link());
  }

  Link link(String name) {
    return links.get(name);
  }

  /** Starts the site on path A; declares both paths as its uplinks. */
  ClientSession<String> start(ClientConfig config) {
    site = new ClientSession<>(config, "A", now, 1_700_000_000L + now / SECOND, new Random(1));
    site.addPath("A", dev.braid.agent.multipath.PathSpec.uplink("A", 0, 1, false), now);
    site.addPath("B", dev.braid.agent.multipath.PathSpec.uplink("B", 1, 1, false), now);
    return site;
  }

  void connect() {
    runUntil(() -> site.isConnected() || site.isClosed(), now + 60 * SECOND, () -> {});
    if (!site.isConnected()) {
      throw new AssertionError("site did not connect: " + site.closeReason());
    }
  }

  /** The hub's session of the site. */
  Session<String> hubSession() {
    return hub.byPeerId(site.peerId());
  }

  /** Injects a datagram at the hub now, as if it came from {@code hubPath}. */
  void injectAtHub(byte[] datagram, String hubPath) {
    hub.receive(datagram, 0, datagram.length, hubPath, now, hubOut);
    flush();
  }

  /** Runs timers due now and puts what both sides produced on the wire. */
  void flush() {
    for (ClientOutput.Datagram<String> d : List.copyOf(siteOut.datagrams())) {
      if ((d.bytes()[0] & 0xFF) >>> 3 == 9) {
        siteData.add(Map.entry(d.path(), d.bytes()));
      }
      put(true, d.path(), d.bytes());
    }
    siteEvents.addAll(siteOut.events());
    siteOut.clear();
    for (Output.Datagram<String> d : List.copyOf(hubOut.datagrams())) {
      put(false, d.path(), d.bytes());
    }
    hubEvents.addAll(hubOut.events());
    hubOut.clear();
  }

  private void put(boolean toHub, String path, byte[] bytes) {
    // the hub's "srv-A" and "srv-A-rebound" (A behind a new NAT mapping) both lead to uplink A
    String name = toHub ? path : path.startsWith("srv-") ? path.substring(4).split("-")[0] : path;
    Link l = links.get(name);
    if (l == null) {
      return; // a forged address the site has no uplink for
    }
    if (toHub) {
      l.upDatagrams++;
    } else {
      l.downDatagrams++;
    }
    if (l.blackholed || l.lossPercent > 0 && random.nextInt(100) < l.lossPercent) {
      return;
    }
    wire.add(new InFlight(l.depart(toHub, bytes.length, now), seq++, toHub, name, bytes));
  }

  /**
   * Runs until {@code done}: each turn moves time to the next arrival or timer (at most 1 ms ahead,
   * so {@code each} can send traffic), delivers and polls.
   */
  void runUntil(BooleanSupplier done, long limitNanos, Runnable each) {
    site.poll(now, siteOut);
    hub.poll(now, hubOut);
    flush();
    while (!done.getAsBoolean()) {
      if (now > limitNanos) {
        throw new AssertionError(
            "not done by " + limitNanos / MS + " ms; site drops " + siteOut.drops());
      }
      long next = Math.min(site.nextWakeupNanos(), hub.nextWakeupNanos());
      if (!wire.isEmpty()) {
        next = Math.min(next, wire.peek().at);
      }
      now = Math.max(now + 1, Math.min(next, now + MS));
      while (!wire.isEmpty() && wire.peek().at <= now) {
        InFlight f = wire.poll();
        if (f.toHub) {
          hub.receive(f.bytes, 0, f.bytes.length, hubSees.apply(f.path), now, hubOut);
        } else {
          site.receive(f.bytes, 0, f.bytes.length, f.path, now, siteOut);
        }
        flush();
      }
      each.run();
      if (site.nextWakeupNanos() <= now) {
        site.poll(now, siteOut);
      }
      if (hub.nextWakeupNanos() <= now) {
        hub.poll(now, hubOut);
      }
      flush();
    }
  }

  void runFor(long nanos, Runnable each) {
    long end = now + nanos;
    runUntil(() -> now >= end, end + SECOND, each);
  }

  /** IP packets the site received, in delivery order. */
  List<ClientEvent.TunPacket<String>> siteReceived() {
    return siteEvents.stream()
        .filter(ClientEvent.TunPacket.class::isInstance)
        .map(e -> (ClientEvent.TunPacket<String>) e)
        .toList();
  }

  /** IP packets the hub received, in delivery order. */
  List<byte[]> hubReceived() {
    return hubEvents.stream()
        .filter(SessionEvent.TunPacket.class::isInstance)
        .map(e -> ((SessionEvent.TunPacket) e).packet())
        .toList();
  }
}
