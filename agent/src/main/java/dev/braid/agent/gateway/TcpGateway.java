package dev.braid.agent.gateway;

import dev.braid.agent.nativeio.Epoll;
import dev.braid.agent.nativeio.EventFd;
import dev.braid.agent.nativeio.NativeIoException;
import dev.braid.agent.nativeio.TcpConnection;
import dev.braid.agent.nativeio.TcpListener;
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
 * back length-framed. Decrypted packets go to a worker's TUN queue through that worker's hand-off
 * queue; TUN packets for TCP sessions come back the same way. Its owner index in the route map is
 * the worker count.
 */
final class TcpGateway implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(TcpGateway.class);
  private static final long TAG_LISTENER = -1;
  private static final long TAG_WAKE = -2;
  private static final int READ_BUFFER = 65536;

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
  private final EventFd wake;
  private volatile boolean running = true;
  private volatile Throwable failure;
  private long nextId;
  private long now;
  private int nextTunWorker;

  /** One accepted connection: its peer, its de-framer and what still waits to be written. */
  private final class Connection {
    final TcpLink link;
    final TcpPeer peer;
    final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    int pendingBytes;

    Connection(TcpLink link, TcpConnection native_) {
      this.link = link;
      dev.braid.agent.transport.TcpConnection<TcpLink> deframer =
          new dev.braid.agent.transport.TcpConnection<>(link, sessions);
      this.peer =
          new TcpPeer(
              StreamEndpoint.of(native_),
              (data, off, len) ->
                  deframer.onBytes(data, off, len, now, out) ? null : deframer.failure().name(),
              disconnects,
              READ_BUFFER);
    }
  }

  TcpGateway(
      Gateway gateway,
      TcpListener listener,
      ServerSessions<TcpLink> sessions,
      int handoffCapacity,
      int owner)
      throws NativeIoException {
    this.gateway = gateway;
    this.listener = listener;
    this.sessions = sessions;
    this.handoff = new HandoffQueue<>(handoffCapacity);
    this.ledger = new SessionLedger(owner, "tcp", gateway.routes());
    this.epoll = Epoll.create(64);
    this.wake = EventFd.create();
    epoll.add(listener.fd(), Epoll.READABLE, TAG_LISTENER);
    epoll.add(wake.fd(), Epoll.READABLE, TAG_WAKE);
  }

  HandoffQueue<Handed> handoff() {
    return handoff;
  }

  Publisher.Published published() {
    return publisher.published();
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
        now = System.nanoTime();
        for (int i = 0; i < ready; i++) {
          long tag = epoll.tag(i);
          if (tag == TAG_LISTENER) {
            accept();
          } else if (tag == TAG_WAKE) {
            wake.drain();
          } else {
            Connection c = connections.get(tag);
            if (c != null) {
              c.peer.onReadable();
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

  /** Everything after the ready descriptors: hand-offs, timers, output; returns the timeout. */
  private int turn() {
    Handed h;
    while ((h = handoff.poll()) != null) {
      Session<TcpLink> s = sessions.byPeerId(h.peerId());
      if (s != null && s.sendToClient(h.packet(), now, out)) {
        ledger.toClient(h.peerId(), h.packet().length);
      }
    }
    sessions.poll(now, out);
    drain();
    boolean blocked = false;
    for (Iterator<Connection> it = connections.values().iterator(); it.hasNext(); ) {
      Connection c = it.next();
      blocked |= flush(c);
      if (c.peer.state() != TcpPeer.ReadState.OPEN) {
        c.peer.close("peer finished");
        it.remove();
      }
    }
    long publishAt =
        publisher.publishIfDue(
            now, () -> ledger.views(sessions.sessions(), "TCP"), out, ledger, "tcp");
    long deadline = Math.min(sessions.nextWakeupNanos(), publishAt);
    if (blocked) {
      return 5; // no EPOLLOUT interest: retry a full send buffer soon
    }
    return (int) Math.max(0, Math.min(1000, (deadline - System.nanoTime() + 999_999) / 1_000_000));
  }

  private void accept() throws NativeIoException {
    TcpConnection c;
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
        continue; // the connection ended; the session times out on its own
      }
      if (c.pendingBytes > MAX_PENDING_BYTES) {
        c.peer.close("client does not read: " + c.pendingBytes + " bytes queued");
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
          int worker = nextTunWorker;
          nextTunWorker = (nextTunWorker + 1) % gateway.workerCount();
          if (gateway.handoffTo(worker).offer(new Handed(Handed.TO_TUN, t.packet()))) {
            gateway.wake(worker);
          }
        }
        case SessionEvent.Established est -> ledger.established(est.session());
        case SessionEvent.Renegotiated r ->
            ledger.renegotiated(r.session(), r.keyId(), r.byServer());
        case SessionEvent.Closed c -> ledger.closed(c.session(), c.reason());
      }
    }
  }

  /** Writes what the kernel takes; true if data is still waiting on a full send buffer. */
  private boolean flush(Connection c) {
    while (!c.pending.isEmpty() && c.peer.state() != TcpPeer.ReadState.ENDED) {
      ByteBuffer b = c.pending.peek();
      int n = c.peer.send(b);
      if (n < 0) {
        return n == -dev.braid.agent.transport.tcp.LinuxErrno.EAGAIN;
      }
      c.pendingBytes -= n;
      if (b.hasRemaining()) {
        return true;
      }
      c.pending.poll();
    }
    return false;
  }

  /** Stops the loop; the caller joins the thread, then calls {@link #close}. */
  void requestStop() {
    running = false;
    wake();
  }

  void close() throws NativeIoException {
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
