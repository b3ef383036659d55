package dev.braid.agent.gateway;

import dev.braid.agent.engine.DatagramHandler;
import dev.braid.agent.engine.Datagrams;
import dev.braid.agent.engine.DropReason;
import dev.braid.agent.engine.Path;
import dev.braid.agent.engine.TunHandler;
import dev.braid.agent.engine.TunPackets;
import dev.braid.agent.engine.WorkerContext;
import dev.braid.agent.engine.WorkerTimer;
import dev.braid.agent.openvpn.session.Output;
import dev.braid.agent.openvpn.session.ServerSessions;
import dev.braid.agent.openvpn.session.Session;
import dev.braid.agent.openvpn.session.SessionEvent;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway on one worker: its session table, its timer and its TUN traffic. Only this worker's
 * thread touches it, except {@link #handoff} (any worker offers) and the published status (any
 * thread reads).
 */
final class WorkerGateway implements DatagramHandler, TunHandler, WorkerTimer {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerGateway.class);
  private static final long PUBLISH_NANOS = 1_000_000_000L;

  /** An IP packet read by another worker for a session of this one. */
  record Handed(int peerId, byte[] packet) {}

  private final int index;
  private final Gateway gateway;
  private final ServerSessions<Path> sessions;
  private final HandoffQueue<Handed> handoff;
  private final Output<Path> out = new Output<>();
  private final byte[] scratch = new byte[65536];
  private final Map<Integer, long[]> bytes = new HashMap<>(); // peer-id -> {in, out}
  private final boolean[] wakeOwner;
  private long nextPoll;
  private long nextPublish;
  private long handshakes;
  private volatile Published published = new Published(List.of(), Map.of(), 0);

  /** What the control thread reads. */
  record Published(
      List<SessionView> sessions,
      Map<dev.braid.agent.openvpn.wire.DropReason, Long> drops,
      long handshakes) {}

  WorkerGateway(int index, Gateway gateway, ServerSessions<Path> sessions, int handoffCapacity) {
    this.index = index;
    this.gateway = gateway;
    this.sessions = sessions;
    this.handoff = new HandoffQueue<>(handoffCapacity);
    this.wakeOwner = new boolean[gateway.workerCount()];
  }

  HandoffQueue<Handed> handoff() {
    return handoff;
  }

  Published published() {
    return published;
  }

  @Override
  public void onDatagrams(Datagrams datagrams, WorkerContext context) {
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
  public void onTunPackets(TunPackets packets, WorkerContext context) {
    long now = System.nanoTime();
    for (int i = 0; i < packets.size(); i++) {
      ByteBuffer packet = packets.packet(i);
      TunnelAddress destination = TunnelAddress.destinationOf(packet);
      Integer peerId = destination == null ? null : gateway.routes().get(destination);
      if (peerId == null) {
        context.drop(DropReason.NO_ROUTE, 1);
        continue;
      }
      byte[] copy = new byte[packet.remaining()];
      packet.get(packet.position(), copy);
      int owner = gateway.ownerOf(peerId);
      if (owner == index) {
        deliver(peerId, copy, now, context);
      } else if (gateway.worker(owner).handoff().offer(new Handed(peerId, copy))) {
        wakeOwner[owner] = true;
      } else {
        context.drop(DropReason.HANDOFF_FULL, 1);
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
  public long onTimer(WorkerContext context, long now) {
    Handed h;
    while ((h = handoff.poll()) != null) {
      deliver(h.peerId(), h.packet(), now, context);
    }
    if (now - nextPoll >= 0) {
      sessions.poll(now, out);
    }
    drain(context);
    if (now - nextPublish >= 0) {
      publish();
      nextPublish = now + PUBLISH_NANOS;
    }
    long wake = sessions.nextWakeupNanos();
    nextPoll = wake == Long.MAX_VALUE ? now + PUBLISH_NANOS : wake;
    return Math.min(nextPoll, nextPublish);
  }

  private void deliver(int peerId, byte[] packet, long now, WorkerContext context) {
    Session<Path> s = sessions.byPeerId(peerId);
    if (s == null || !s.sendToClient(packet, now, out)) {
      context.drop(DropReason.NO_ROUTE, 1);
      return;
    }
    long[] b = bytes.get(peerId);
    if (b != null) {
      b[1] += packet.length;
    }
  }

  /** Sends what the sessions produced and acts on their events. */
  private void drain(WorkerContext context) {
    for (Output.Datagram<Path> d : out.datagrams()) {
      context.send(d.path(), ByteBuffer.wrap(d.bytes()));
    }
    for (SessionEvent e : out.events()) {
      switch (e) {
        case SessionEvent.TunPacket t -> {
          context.writeTun(ByteBuffer.wrap(t.packet()));
          long[] b = bytes.get(t.session().peerId());
          if (b != null) {
            b[0] += t.packet().length;
          }
        }
        case SessionEvent.Established est -> {
          handshakes++;
          bytes.put(est.session().peerId(), new long[2]);
          gateway
              .routes()
              .put(
                  TunnelAddress.of(InetAddress.ofLiteral(est.clientAddress())),
                  est.session().peerId());
          LOG.info(
              "session established: worker {} peer-id {} tunnel {} from {}",
              index,
              est.session().peerId(),
              est.clientAddress(),
              est.session().paths().getFirst());
        }
        case SessionEvent.Closed c -> {
          Session<?> s = c.session();
          bytes.remove(s.peerId());
          if (s.clientAddress() != null) {
            gateway
                .routes()
                .remove(TunnelAddress.of(InetAddress.ofLiteral(s.clientAddress())), s.peerId());
          }
          LOG.info(
              "session closed: worker {} peer-id {} tunnel {} from {}: {}",
              index,
              s.peerId(),
              s.clientAddress(),
              s.paths().isEmpty() ? "?" : s.paths().getFirst(),
              c.reason());
        }
      }
    }
    out.clear();
  }

  private void publish() {
    List<SessionView> views = new ArrayList<>();
    for (Session<Path> s : sessions.sessions()) {
      long[] b = bytes.getOrDefault(s.peerId(), new long[2]);
      views.add(
          new SessionView(
              index,
              s.peerId(),
              s.clientAddress(),
              s.isEstablished(),
              s.paths(),
              b[0],
              b[1],
              s.authenticatedDataPackets()));
    }
    Map<dev.braid.agent.openvpn.wire.DropReason, Long> drops =
        new EnumMap<>(dev.braid.agent.openvpn.wire.DropReason.class);
    drops.putAll(out.drops());
    Published previous = published;
    published = new Published(List.copyOf(views), Map.copyOf(drops), handshakes);
    if (!drops.equals(previous.drops())) {
      LOG.info("worker {} protocol drops: {}", index, drops);
    }
  }
}
