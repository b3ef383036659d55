package dev.braid.agent.gateway;

import dev.braid.agent.engine.CounterSnapshot;
import dev.braid.agent.engine.Engine;
import dev.braid.agent.engine.LoopDrop;
import dev.braid.agent.engine.ReceiveHold;
import dev.braid.agent.engine.TunOutput;
import dev.braid.agent.engine.WorkerCounters;
import dev.braid.agent.nativeio.Epoll;
import dev.braid.agent.nativeio.EventFd;
import dev.braid.agent.nativeio.NativeIoException;
import dev.braid.agent.nativeio.TcpListener;
import dev.braid.agent.nativeio.TcpSocket;
import dev.braid.agent.openvpn.session.Output;
import dev.braid.agent.openvpn.session.ServerSessions;
import dev.braid.agent.openvpn.session.Session;
import dev.braid.agent.openvpn.session.SessionEvent;
import dev.braid.agent.openvpn.wire.TcpFramer;
import dev.braid.agent.transport.tcp.DisconnectCounters;
import dev.braid.agent.transport.tcp.StreamEndpoint;
import dev.braid.agent.transport.tcp.TcpPeer;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenVPN over TCP (and MPTCP) on the gateway's port: one loop thread accepts on the {@link
 * TcpListener}, reads every connection through a {@link TcpPeer} (so each disconnect is classified
 * and counted), de-frames the stream into its own session table and writes the sessions' packets
 * back length-framed. Decrypted packets go straight into a TUN queue through the loop's own {@link
 * TunOutput} (or, without one, through a worker's hand-off queue); TUN packets for TCP sessions
 * come from the workers through this loop's hand-off queue. Its owner index in the route map is the
 * worker count.
 */
final class TcpGateway implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(TcpGateway.class);
  private static final long TAG_LISTENER = -1;
  private static final long TAG_WAKE = -2;
  private static final int READ_BUFFER = 65536;

  /** Bytes gathered into one write: more than the largest frame (2 + 65535). */
  private static final int GATHER = 2 * 65536;

  /** Queued output per connection beyond which the client is too slow and is dropped. */
  private static final int MAX_PENDING_BYTES = 4 << 20;

  private final Gateway gateway;
  private final TcpListener listener;
  private final ServerSessions<TcpLink> sessions;
  private final HandoffQueue<Handed> handoff;
  private final DisconnectCounters disconnects = new DisconnectCounters();
  private final Output<TcpLink> out = new Output<>();
  private final SessionLedger ledger;
  private final Publisher publisher = new Publisher();
  private final Map<Long, Connection> connections = new HashMap<>();
  private final Epoll epoll;
  private final ReceiveHold hold;
  private final EventFd wake;
  private volatile boolean running = true;
  private volatile Throwable failure;
  private long nextId;
  private long now;
  private long seenReplacements;
  private final boolean[] wakeWorker;
  private final TunOutput tunOutput;
  private final WorkerCounters counters;
  private final ByteBuffer gather = ByteBuffer.allocateDirect(GATHER);

  /** One accepted connection: its peer, its de-framer and what still waits to be written. */
  private final class Connection {
    final TcpLink link;
    final TcpPeer peer;
    final TcpSocket socket;
    final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    int pendingBytes;
    boolean watchingWritable;

    Connection(TcpLink link, TcpSocket native_) {
      this.link = link;
      this.socket = native_;
      dev.braid.agent.transport.TcpConnection<TcpLink> deframer =
          new dev.braid.agent.transport.TcpConnection<>(link, sessions);
      this.peer =
          new TcpPeer(
              StreamEndpoint.of(native_),
              (data, off, len) -> {
                long before = deframer.packetsReceived();
                boolean usable = deframer.onBytes(data, off, len, now, out);
                counters.received((int) (deframer.packetsReceived() - before), len);
                return usable ? null : deframer.failure().name();
              },
              disconnects,
              READ_BUFFER);
    }
  }

  TcpGateway(
      Gateway gateway,
      TcpListener listener,
      ServerSessions<TcpLink> sessions,
      int handoffCapacity,
      int owner,
      Engine engine)
      throws NativeIoException {
    this.counters = new WorkerCounters(owner);
    this.tunOutput = engine == null ? null : engine.tunOutput(0, counters.tunCounts());
    this.hold = new ReceiveHold(engine == null ? 0 : engine.config().receiveHoldMicros());
    this.gateway = gateway;
    this.listener = listener;
    this.sessions = sessions;
    this.handoff = new HandoffQueue<>(handoffCapacity);
    this.ledger = new SessionLedger(owner, "tcp", gateway);
    this.epoll = Epoll.create(64);
    this.wake = EventFd.create();
    this.wakeWorker = new boolean[owner];
    epoll.add(listener.fd(), Epoll.READABLE, TAG_LISTENER);
    epoll.add(wake.fd(), Epoll.READABLE, TAG_WAKE);
  }

  HandoffQueue<Handed> handoff() {
    return handoff;
  }

  Publisher.Published published() {
    return publisher.published();
  }

  /**
   * This loop's counters: OpenVPN packets (frames) and bytes in and out over every connection,
   * packets written into TUN, receive holds, drops.
   */
  CounterSnapshot counters() {
    return counters.snapshot();
  }

  DisconnectCounters disconnects() {
    return disconnects;
  }

  TcpListener listener() {
    return listener;
  }

  Throwable failure() {
    return failure;
  }

  void wake() {
    try {
      wake.signal();
    } catch (NativeIoException e) {
      throw new IllegalStateException("waking the TCP loop: " + e.getMessage(), e);
    }
  }

  @Override
  public void run() {
    try {
      int timeout = 0;
      while (running) {
        int ready = epoll.await(timeout);
        if (anyConnectionReady(ready)) {
          if (hold.beforeReceive()) {
            counters.held();
          }
          hold.received(System.nanoTime());
        }
        now = System.nanoTime();
        for (int i = 0; i < ready; i++) {
          long tag = epoll.tag(i);
          if (tag == TAG_LISTENER) {
            accept();
          } else if (tag == TAG_WAKE) {
            wake.drain();
          } else {
            Connection c = connections.get(tag);
            if (c != null && (epoll.events(i) & ~Epoll.WRITABLE) != 0) {
              c.peer.onReadable(); // readable, or an error/hang-up the read reports
            }
          }
        }
        timeout = turn();
      }
    } catch (Throwable t) {
      failure = t;
      LOG.error("TCP loop failed: {}", t.toString(), t);
    } finally {
      for (Connection c : connections.values()) {
        c.peer.close("agent stopping");
      }
    }
  }

  private boolean anyConnectionReady(int ready) {
    for (int i = 0; i < ready; i++) {
      long tag = epoll.tag(i);
      if (tag != TAG_LISTENER && tag != TAG_WAKE) {
        return true;
      }
    }
    return false;
  }

  /** Everything after the ready descriptors: hand-offs, timers, output; returns the timeout. */
  private int turn() {
    sessions.refresh(now, out); // a config reload wakes this loop to adopt it here
    seenReplacements = gateway.duplicates().closeDisplaced(sessions, seenReplacements, now, out);
    Handed h;
    while ((h = handoff.poll()) != null) {
      Session<TcpLink> s = sessions.byPeerId(h.peerId());
      if (s != null && s.sendToClient(h.packet(), now, out)) {
        ledger.toClient(h.peerId(), h.packet().length);
      }
    }
    sessions.poll(now, out);
    drain();
    for (Iterator<Connection> it = connections.values().iterator(); it.hasNext(); ) {
      Connection c = it.next();
      boolean blocked = flush(c);
      if (c.peer.state() != TcpPeer.ReadState.OPEN) {
        c.peer.close("peer finished");
        it.remove();
      } else if (blocked != c.watchingWritable) {
        // A full send buffer waits for EPOLLOUT rather than a retry timer.
        watchWritable(c, blocked);
      }
    }
    long publishAt =
        publisher.publishIfDue(
            now,
            () -> ledger.views(sessions.sessions(), "TCP", PathView::tcp),
            out,
            ledger,
            sessions.revokedSessions(),
            sessions.controlCounters(),
            "tcp");
    long deadline = Math.min(sessions.nextWakeupNanos(), publishAt);
    return (int) Math.max(0, Math.min(1000, (deadline - System.nanoTime() + 999_999) / 1_000_000));
  }

  private void watchWritable(Connection c, boolean on) {
    try {
      epoll.modify(
          c.socket.fd(), on ? Epoll.READABLE | Epoll.WRITABLE : Epoll.READABLE, c.link.id());
      c.watchingWritable = on;
    } catch (NativeIoException e) {
      c.peer.close("epoll_ctl failed: " + e.getMessage());
    }
  }

  private void accept() throws NativeIoException {
    TcpSocket c;
    while ((c = listener.accept()) != null) {
      long id = nextId++;
      TcpLink link = new TcpLink(id, c.remoteAddress(), c.localAddress());
      connections.put(id, new Connection(link, c));
      epoll.add(c.fd(), Epoll.READABLE, id);
      LOG.info("TCP connection accepted: {} ({})", link, c.isMptcp() ? "MPTCP" : "TCP");
    }
  }

  private void drain() {
    for (Output.Datagram<TcpLink> d : out.datagrams()) {
      Connection c = connections.get(d.path().id());
      if (c == null) {
        counters.drop(LoopDrop.SEND_FAILED, 1); // the session times out on its own
        continue;
      }
      if (c.pendingBytes > MAX_PENDING_BYTES) {
        c.peer.close("client does not read: " + c.pendingBytes + " bytes queued");
        counters.drop(LoopDrop.SEND_FAILED, 1);
        continue;
      }
      byte[] framed = TcpFramer.frame(d.bytes());
      c.pending.add(ByteBuffer.wrap(framed));
      c.pendingBytes += framed.length;
    }
    List<SessionEvent> events = new ArrayList<>(out.events());
    out.clear();
    for (SessionEvent e : events) {
      switch (e) {
        case SessionEvent.TunPacket t -> {
          ledger.fromClient(t.session().peerId(), t.packet().length);
          if (tunOutput != null) {
            tunOutput.write(ByteBuffer.wrap(t.packet())); // no hand-off, no wake-up
          } else {
            // One worker per session keeps a flow's packets in order on one TUN queue; one wake
            // per worker and turn, not per packet.
            int worker = t.session().peerId() % wakeWorker.length;
            if (gateway.handoffTo(worker).offer(new Handed(Handed.TO_TUN, t.packet()))) {
              wakeWorker[worker] = true;
            } else {
              counters.drop(LoopDrop.HANDOFF_FULL, 1);
            }
          }
        }
        case SessionEvent.Established est -> ledger.established(est.session());
        case SessionEvent.Renegotiated r ->
            ledger.renegotiated(r.session(), r.keyId(), r.byServer());
        case SessionEvent.Closed c -> ledger.closed(c.session(), c.reason());
      }
    }
    if (tunOutput != null) {
      tunOutput.flush();
    }
    for (int w = 0; w < wakeWorker.length; w++) {
      if (wakeWorker[w]) {
        wakeWorker[w] = false;
        gateway.wake(w);
      }
    }
  }

  /**
   * Writes what the kernel takes, many frames per system call; true if data is still waiting on a
   * full send buffer.
   */
  private boolean flush(Connection c) {
    while (!c.pending.isEmpty() && c.peer.state() != TcpPeer.ReadState.ENDED) {
      gather.clear();
      for (ByteBuffer b : c.pending) {
        if (b.remaining() > gather.remaining()) {
          break;
        }
        gather.put(b.duplicate());
      }
      gather.flip();
      int n = c.peer.send(gather);
      if (n < 0) {
        return n == -dev.braid.agent.transport.tcp.LinuxErrno.EAGAIN;
      }
      c.pendingBytes -= n;
      int frames = 0;
      for (int left = n; left > 0; ) {
        ByteBuffer b = c.pending.peek();
        int k = Math.min(left, b.remaining());
        b.position(b.position() + k);
        left -= k;
        if (!b.hasRemaining()) {
          c.pending.poll();
          frames++;
        }
      }
      counters.sent(frames, n);
      if (gather.hasRemaining()) {
        return true;
      }
    }
    return false;
  }

  /** Stops the loop; the caller joins the thread, then calls {@link #close}. */
  void requestStop() {
    running = false;
    wake();
  }

  void close() throws NativeIoException {
    if (tunOutput != null) {
      tunOutput.close();
      CounterSnapshot c = counters.snapshot();
      long failed = c.drops(LoopDrop.TUN_WRITE_FAILED);
      if (failed > 0) {
        LOG.warn(
            "TCP loop: the kernel refused {} of {} TUN packets",
            failed,
            failed + c.tunPacketsOut());
      }
    }
    try {
      listener.close();
    } finally {
      try {
        epoll.close();
      } finally {
        wake.close();
      }
    }
  }
}
