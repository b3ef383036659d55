package dev.braid.agent.gateway;

import dev.braid.agent.engine.DatagramHandler;
import dev.braid.agent.engine.Datagrams;
import dev.braid.agent.engine.LoopContext;
import dev.braid.agent.engine.LoopDrop;
import dev.braid.agent.engine.LoopTimer;
import dev.braid.agent.engine.Path;
import dev.braid.agent.engine.TunHandler;
import dev.braid.agent.engine.TunPackets;
import dev.braid.agent.openvpn.session.Output;
import dev.braid.agent.openvpn.session.ServerSessions;
import dev.braid.agent.openvpn.session.Session;
import dev.braid.agent.openvpn.session.SessionEvent;
import java.nio.ByteBuffer;

/**
 * The gateway on one loop (a UDP worker or the TCP loop): its session table, its timer and its TUN
 * traffic. Only this loop's thread touches it, except {@link #handoff} (other loops offer) and the
 * published status (any thread reads).
 */
final class LoopGateway implements DatagramHandler, TunHandler, LoopTimer {
  private final int index;
  private final String transport;
  private final String loopName;
  private final Gateway gateway;
  private final ServerSessions<Path> sessions;
  private final HandoffQueue<Handed> handoff;
  private final Output<Path> out = new Output<>();
  private final SessionLedger ledger;
  private final Publisher publisher = new Publisher();
  private final byte[] scratch = new byte[65536];
  private final boolean[] wakeOwner;
  private long nextPoll;
  private long seenReplacements;

  /**
   * @param index the loop's index (the worker count for the TCP loop)
   * @param transport {@code UDP} or {@code TCP}, as status names it
   * @param loopName how log lines name the loop
   */
  LoopGateway(
      int index,
      String transport,
      String loopName,
      Gateway gateway,
      ServerSessions<Path> sessions,
      int handoffCapacity) {
    this.index = index;
    this.transport = transport;
    this.loopName = loopName;
    this.gateway = gateway;
    this.sessions = sessions;
    this.handoff = new HandoffQueue<>(handoffCapacity);
    this.ledger = new SessionLedger(index, loopName, gateway);
    this.wakeOwner = new boolean[gateway.workerCount() + 1];
  }

  HandoffQueue<Handed> handoff() {
    return handoff;
  }

  Publisher.Published published() {
    return publisher.published();
  }

  @Override
  public void onDatagrams(Datagrams datagrams, LoopContext context) {
    long now = System.nanoTime();
    for (int i = 0; i < datagrams.size(); i++) {
      ByteBuffer payload = datagrams.payload(i);
      int len = payload.remaining();
      payload.get(payload.position(), scratch, 0, len);
      sessions.receive(scratch, 0, len, datagrams.path(i), now, out);
    }
    drain(context);
  }

  @Override
  public void onTunPackets(TunPackets packets, LoopContext context) {
    long now = System.nanoTime();
    for (int i = 0; i < packets.size(); i++) {
      ByteBuffer packet = packets.packet(i);
      TunnelAddress destination = TunnelAddress.destinationOf(packet);
      Route route = destination == null ? null : gateway.routes().get(destination);
      if (route == null) {
        context.drop(LoopDrop.NO_ROUTE, 1);
        continue;
      }
      byte[] copy = new byte[packet.remaining()];
      packet.get(packet.position(), copy);
      if (route.owner() == index) {
        deliver(route.peerId(), copy, now, context);
      } else if (gateway.handoffTo(route.owner()).offer(new Handed(route.peerId(), copy))) {
        wakeOwner[route.owner()] = true;
      } else {
        context.drop(LoopDrop.HANDOFF_FULL, 1);
      }
    }
    drain(context);
    for (int w = 0; w < wakeOwner.length; w++) {
      if (wakeOwner[w]) {
        wakeOwner[w] = false;
        gateway.wake(w);
      }
    }
  }

  @Override
  public long onTimer(LoopContext context, long now) {
    sessions.refresh(now, out); // a config reload wakes every loop to adopt it here
    seenReplacements = gateway.duplicates().closeDisplaced(sessions, seenReplacements, now, out);
    Handed h;
    while ((h = handoff.poll()) != null) {
      deliver(h.peerId(), h.packet(), now, context);
    }
    if (now - nextPoll >= 0) {
      sessions.poll(now, out);
    }
    drain(context);
    long publishAt =
        publisher.publishIfDue(
            now,
            () ->
                ledger.views(
                    sessions.sessions(), transport, p -> PathView.of(p, gateway.port()), now),
            out,
            ledger,
            sessions.revokedSessions(),
            sessions.controlCounters(),
            loopName);
    long wake = sessions.nextWakeupNanos();
    nextPoll = wake == Long.MAX_VALUE ? publishAt : wake;
    return Math.min(nextPoll, publishAt);
  }

  private void deliver(int peerId, byte[] packet, long now, LoopContext context) {
    Session<Path> s = sessions.byPeerId(peerId);
    if (s == null || !s.sendToClient(packet, now, out)) {
      context.drop(LoopDrop.NO_ROUTE, 1);
      return;
    }
    ledger.toClient(peerId, packet.length);
  }

  /** Sends what the sessions produced and acts on their events. */
  private void drain(LoopContext context) {
    for (Output.Datagram<Path> d : out.datagrams()) {
      context.send(d.path(), ByteBuffer.wrap(d.bytes()));
    }
    for (SessionEvent e : out.events()) {
      switch (e) {
        case SessionEvent.TunPacket t -> {
          context.writeTun(ByteBuffer.wrap(t.packet()));
          ledger.fromClient(t.session().peerId(), t.packet().length);
        }
        case SessionEvent.Established est -> ledger.established(est.session());
        case SessionEvent.Renegotiated r ->
            ledger.renegotiated(r.session(), r.keyId(), r.byServer());
        case SessionEvent.Closed c -> ledger.closed(c.session(), c.reason());
      }
    }
    out.clear();
  }
}
