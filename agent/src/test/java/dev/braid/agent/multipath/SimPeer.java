package dev.braid.agent.multipath;

import dev.braid.agent.multipath.SimPacket.AppPacket;
import dev.braid.agent.openvpn.replay.ReplayWindow;
import dev.braid.agent.openvpn.wire.DropReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One simulated Braid peer: a {@link MultipathLink} wired as the session would wire it. Each packet
 * is "sealed" once with the next packet id and the same packet goes on every chosen path; received
 * packets pass a real 4096-wide {@link ReplayWindow} (a seen id is a duplicate); probes go to
 * {@code onProbe}, the rest to {@code onData}; {@code poll} runs at {@code nextDeadlineNanos}.
 */
final class SimPeer implements LinkOutput<AppPacket> {
  record Delivery(long seq, long sentNanos, long deliveredNanos) {}

  private final Sim sim;
  final MultipathLink<AppPacket> link;
  private final SimWire[] wires = new SimWire[MultipathConfig.PATH_LIMIT];
  private final ReplayWindow replay = ReplayWindow.ofSize(4096);
  final List<Delivery> delivered = new ArrayList<>();
  final List<AppPacket> sent = new ArrayList<>();
  private long nextPacketId = 1;
  private long pendingWake = Long.MAX_VALUE;
  private long wakeToken;
  private long lastPollAt = -1;
  private int pollsAtSameTime;
  long tooOld;

  SimPeer(Sim sim, MultipathConfig config) {
    this.sim = sim;
    this.link = new MultipathLink<>(config, sim.now());
  }

  int addPath(PathSpec spec, SimWire wire) {
    int id = link.addPath(spec, sim.now());
    if (id >= 0) {
      wires[id] = wire;
    }
    wake();
    return id;
  }

  /** The tunnel sends one application packet. */
  void send(AppPacket app) {
    sent.add(app);
    long mask = link.pickPaths(app.length(), sim.now(), this);
    SimPacket p = new SimPacket(0, nextPacketId++, null, app, app.length());
    for (long m = mask; m != 0; m &= m - 1) {
      wires[Long.numberOfTrailingZeros(m)].transmit(p);
    }
    wake();
  }

  @Override
  public void sendProbe(int pathId, byte[] payload, int off, int len) {
    byte[] copy = Arrays.copyOfRange(payload, off, off + len);
    wires[pathId].transmit(new SimPacket(0, nextPacketId++, copy, null, len));
  }

  @Override
  public void deliver(AppPacket payload) {
    delivered.add(new Delivery(payload.seq(), payload.sentNanos(), sim.now()));
  }

  /** A packet arrived on our path {@code pathId}. */
  void receive(int pathId, SimPacket p) {
    long now = sim.now();
    DropReason r = replay.check(0, (int) p.packetId(), now);
    if (r == DropReason.REPLAY) {
      link.onDuplicate(pathId, p.keyId(), p.packetId(), p.length(), now, this);
    } else if (r != null) {
      tooOld++;
    } else {
      replay.accept(0, (int) p.packetId(), now);
      if (p.probe() != null) {
        byte[] b = p.probe();
        if (!MultipathLink.isProbe(b, 0, b.length)) {
          throw new AssertionError("a probe that isProbe does not recognise");
        }
        link.onProbe(pathId, p.keyId(), p.packetId(), b, 0, b.length, now, this);
      } else {
        link.onData(pathId, p.keyId(), p.packetId(), p.app(), p.length(), now, this);
      }
    }
    wake();
  }

  /** Keeps one poll event scheduled at the link's next deadline. */
  void wake() {
    long d = link.nextDeadlineNanos();
    if (d == Long.MAX_VALUE || d >= pendingWake) {
      return;
    }
    pendingWake = d;
    long token = ++wakeToken;
    sim.at(
        d,
        () -> {
          if (token != wakeToken) {
            return;
          }
          pendingWake = Long.MAX_VALUE;
          if (sim.now() == lastPollAt && ++pollsAtSameTime > 5) {
            throw new AssertionError(
                "nextDeadlineNanos does not advance after poll at " + lastPollAt);
          } else if (sim.now() != lastPollAt) {
            pollsAtSameTime = 0;
          }
          lastPollAt = sim.now();
          link.poll(sim.now(), this);
          wake();
        });
  }

  LinkSnapshot snapshot() {
    return link.snapshot(sim.now());
  }
}
