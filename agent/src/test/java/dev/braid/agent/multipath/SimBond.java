package dev.braid.agent.multipath;

import dev.braid.agent.multipath.SimPacket.AppPacket;
import java.util.ArrayList;
import java.util.List;

/**
 * A site and a hub joined by simulated paths, each with a constant-rate source, and the figures the
 * tests assert on. Both peers probe; the site adds its paths as uplinks, the hub as learned paths,
 * as the real ones would.
 */
final class SimBond {
  static final int PACKET = 1400;

  final Sim sim;
  final SimPeer site;
  final SimPeer hub;
  final List<SimPath> paths = new ArrayList<>();
  private long appSeq;

  /** Both directions of one path and the ids each side gave it. */
  static final class SimPath {
    final SimWire up;
    final SimWire down;
    int siteId;
    int hubId;

    SimPath(SimWire up, SimWire down) {
      this.up = up;
      this.down = down;
    }

    void blackhole(boolean on) {
      up.blackhole = on;
      down.blackhole = on;
    }
  }

  SimBond(long seed, MultipathConfig site, MultipathConfig hub) {
    this.sim = new Sim(seed);
    this.site = new SimPeer(sim, site);
    this.hub = new SimPeer(sim, hub);
  }

  SimBond(long seed, MultipathConfig config) {
    this(seed, config, config);
  }

  /** A symmetric path: the same rate, one-way delay and loss in both directions. */
  SimPath path(double mbit, double delayMs, double loss) {
    return path(mbit, delayMs, loss, false);
  }

  SimPath path(double mbit, double delayMs, double loss, boolean backup) {
    int index = paths.size();
    SimPath[] self = new SimPath[1];
    SimWire up = new SimWire(sim, mbit, delayMs, loss, p -> hub.receive(self[0].hubId, p));
    SimWire down = new SimWire(sim, mbit, delayMs, loss, p -> site.receive(self[0].siteId, p));
    SimPath path = new SimPath(up, down);
    self[0] = path;
    path.siteId = site.addPath(PathSpec.uplink("uplink" + index, index, 1, backup), up);
    path.hubId = hub.addPath(PathSpec.learned("site" + index), down);
    paths.add(path);
    return path;
  }

  /** The site sends {@code mbit} of 1400-byte packets at a constant rate from {@code from} on. */
  void siteSource(double mbit, long from, long to) {
    long gap = (long) (PACKET * 8 / (mbit * 1e6) * 1e9);
    sim.at(
        from,
        new Runnable() {
          @Override
          public void run() {
            site.send(new AppPacket(appSeq++, sim.now(), PACKET));
            if (sim.now() + gap < to) {
              sim.at(sim.now() + gap, this);
            }
          }
        });
  }

  void runUntil(long t) {
    sim.runUntil(t);
  }

  /** Mbit/s the hub delivered to its tunnel in [from, to). */
  double hubGoodputMbit(long from, long to) {
    long bytes =
        hub.delivered.stream()
                .filter(d -> d.deliveredNanos() >= from && d.deliveredNanos() < to)
                .count()
            * PACKET;
    return bytes * 8 / ((to - from) / 1e9) / 1e6;
  }

  /** Fraction of the packets the site sent in [from, to) that the hub never delivered. */
  double hubLoss(long from, long to) {
    long sent = site.sent.stream().filter(a -> a.sentNanos() >= from && a.sentNanos() < to).count();
    long got =
        hub.delivered.stream()
            .filter(d -> d.sentNanos() >= from && d.sentNanos() < to)
            .map(SimPeer.Delivery::seq)
            .distinct()
            .count();
    return 1 - (double) got / sent;
  }

  /** Deliveries at the hub whose sequence number is lower than one delivered before them. */
  long hubOutOfOrder() {
    long max = -1;
    long n = 0;
    for (SimPeer.Delivery d : hub.delivered) {
      if (d.seq() < max) {
        n++;
      }
      max = Math.max(max, d.seq());
    }
    return n;
  }

  /** The {@code q} quantile (0..1) of one-way tunnel latency for packets sent in [from, to). */
  double hubLatencyMs(double q, long from, long to) {
    long[] l =
        hub.delivered.stream()
            .filter(d -> d.sentNanos() >= from && d.sentNanos() < to)
            .mapToLong(d -> d.deliveredNanos() - d.sentNanos())
            .sorted()
            .toArray();
    return l[(int) Math.min(l.length - 1, Math.floor(q * l.length))] / 1e6;
  }

  /** Largest time between two consecutive deliveries at the hub within [from, to). */
  double hubLargestGapMs(long from, long to) {
    long last = -1;
    long gap = 0;
    for (SimPeer.Delivery d : hub.delivered) {
      if (d.deliveredNanos() < from || d.deliveredNanos() >= to) {
        continue;
      }
      if (last >= 0) {
        gap = Math.max(gap, d.deliveredNanos() - last);
      }
      last = d.deliveredNanos();
    }
    return gap / 1e6;
  }
}
