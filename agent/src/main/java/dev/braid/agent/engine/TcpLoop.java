package dev.braid.agent.engine;

import dev.braid.agent.nativeio.Epoll;
import dev.braid.agent.nativeio.EventFd;
import dev.braid.agent.nativeio.NativeIoException;
import dev.braid.agent.nativeio.TcpListener;
import dev.braid.agent.nativeio.TcpSocket;
import dev.braid.agent.nativeio.TunQueue;
import dev.braid.agent.transport.tcp.DisconnectCounters;
import dev.braid.agent.transport.tcp.TcpFramer;
import dev.braid.agent.transport.tcp.TcpPeer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP transport's loop, the peer of the UDP {@link Worker}s: one thread accepts on the {@link
 * TcpListener} (MPTCP where the kernel has it), reads every connection through a {@link TcpPeer}
 * (so each disconnect is classified and counted), de-frames the streams into packets for the same
 * kind of {@link DatagramHandler} a worker feeds, each packet's path being its connection ({@link
 * TcpPath}), and writes what the handler sends back length-framed on that connection. Packets the
 * handler writes to TUN go straight into queue 0 through the loop's own writer. Its loop index is
 * the worker count.
 */
final class TcpLoop implements Runnable, LoopContext {
  private static final Logger LOG = LoggerFactory.getLogger(TcpLoop.class);
  private static final long TAG_LISTENER = -1;
  private static final long TAG_WAKE = -2;
  private static final int READ_BUFFER = 65536;

  /** Bytes gathered into one write: more than the largest frame (2 + 65535). */
  private static final int GATHER = 2 * 65536;

  /** Queued output per connection beyond which the client is too slow and is dropped. */
  static final int MAX_PENDING_BYTES = 4 << 20;

  /** Longest sleep: output of connections is written at least this often. */
  private static final int MAX_TIMEOUT_MILLIS = 1000;

  private final int index;
  private final TcpListener listener;
  private final DatagramHandler handler;
  private final LoopTimer timer;
  private final DisconnectCounters disconnects = new DisconnectCounters();
  private final Map<Long, Connection> connections = new HashMap<>();
  private final Epoll epoll;
  private final ReceiveHold hold;
  private final EventFd wake;
  private final LoopCounters counters;
  private final TunOutput tunOutput;
  private final Received received = new Received();
  private final ByteBuffer gather = ByteBuffer.allocateDirect(GATHER);
  private long handlerErrors;
  private long nextId;
  private volatile boolean running = true;
  private volatile Throwable failure;
  private volatile long threadId = -1;

  /** One accepted connection: its path, its socket, its stream state and output queue. */
  private final class Connection {
    final TcpPath path;
    final TcpSocket socket;
    final TcpPeer peer;
    boolean watchingWritable;

    Connection(TcpPath path, TcpSocket socket) {
      this.path = path;
      this.socket = socket;
      TcpFramer framer = new TcpFramer(TcpFramer.MAX_OPENVPN_PACKET);
      this.peer =
          new TcpPeer(
              new TcpSocketStream(socket),
              (data, off, len) -> {
                List<byte[]> packets = framer.feed(data, off, len);
                counters.received(packets.size(), len);
                for (byte[] p : packets) {
                  received.add(p, path);
                }
                return framer.error();
              },
              disconnects,
              READ_BUFFER);
    }
  }

  /**
   * @param index this loop's index: the worker count
   * @param tun the queue decrypted packets are written into, or null without TUN
   * @param timer the handler's timer, or null
   */
  TcpLoop(
      int index,
      EngineConfig config,
      TcpListener listener,
      TunQueue tun,
      DatagramHandler handler,
      LoopTimer timer)
      throws NativeIoException {
    this.index = index;
    this.listener = listener;
    this.handler = handler;
    this.timer = timer;
    this.counters = new LoopCounters(index);
    this.tunOutput = tun == null ? null : new TunOutput(tun.newWriter(), counters.tunCounts());
    this.hold = new ReceiveHold(config.receiveHoldMicros());
    this.epoll = Epoll.create(64);
    this.wake = EventFd.create();
    epoll.add(listener.fd(), Epoll.READABLE, TAG_LISTENER);
    epoll.add(wake.fd(), Epoll.READABLE, TAG_WAKE);
  }

  @Override
  public void run() {
    threadId = Thread.currentThread().threadId();
    try {
      int timeout = turn();
      while (running) {
        int ready = epoll.await(timeout);
        if (anyConnectionReady(ready)) {
          if (hold.beforeReceive()) {
            counters.held();
          }
          hold.received(System.nanoTime());
        }
        for (int i = 0; i < ready; i++) {
          long tag = epoll.tag(i);
          if (tag == TAG_LISTENER) {
            accept();
          } else if (tag == TAG_WAKE) {
            wake.drain();
          } else {
            Connection c = connections.get(tag);
            if (c != null && (epoll.events(i) & ~Epoll.WRITABLE) != 0) {
              read(c); // readable, or an error/hang-up the read reports
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

  /** Reads everything waiting on {@code c} and hands the packets to the handler. */
  private void read(Connection c) {
    c.peer.onReadable();
    if (received.size() > 0) {
      try {
        handler.onDatagrams(received, this);
      } catch (RuntimeException e) {
        handlerError(e);
        counters.drop(LoopDrop.HANDLER_ERROR, received.size());
      }
      received.clear();
      flushTun();
    }
  }

  /** Everything after the ready descriptors: the timer, then output; returns the timeout. */
  private int turn() {
    long now = System.nanoTime();
    long deadline = LoopTimer.NONE;
    if (timer != null) {
      try {
        deadline = timer.onTimer(this, now);
      } catch (RuntimeException e) {
        handlerError(e);
        counters.drop(LoopDrop.HANDLER_ERROR, 1);
        deadline = now + 100_000_000L; // try again soon rather than never
      }
    }
    flushTun();
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
    long millis = (deadline - System.nanoTime() + 999_999) / 1_000_000;
    return (int) Math.max(0, Math.min(MAX_TIMEOUT_MILLIS, millis));
  }

  private boolean flush(Connection c) {
    long frames = c.peer.framesOut();
    long bytes = c.peer.bytesOut();
    boolean blocked = c.peer.flush(gather);
    if (c.peer.bytesOut() != bytes) {
      counters.sent((int) (c.peer.framesOut() - frames), c.peer.bytesOut() - bytes);
    }
    return blocked;
  }

  private void flushTun() {
    if (tunOutput != null) {
      tunOutput.flush();
    }
  }

  private void watchWritable(Connection c, boolean on) {
    try {
      epoll.modify(
          c.socket.fd(), on ? Epoll.READABLE | Epoll.WRITABLE : Epoll.READABLE, c.path.id());
      c.watchingWritable = on;
    } catch (NativeIoException e) {
      c.peer.close("epoll_ctl failed: " + e.getMessage());
    }
  }

  private void accept() throws NativeIoException {
    TcpSocket s;
    while ((s = listener.accept()) != null) {
      long id = nextId++;
      TcpPath path = new TcpPath(id, s.remoteAddress(), s.localAddress());
      connections.put(id, new Connection(path, s));
      epoll.add(s.fd(), Epoll.READABLE, id);
      LOG.info("TCP connection accepted: {} ({})", path, s.isMptcp() ? "MPTCP" : "TCP");
    }
  }

  /** Logs the first handler failure and then every 1000th, with its stack trace. */
  private void handlerError(RuntimeException e) {
    if (handlerErrors++ % 1000 == 0) {
      LOG.warn("TCP loop: handler failed ({} so far); dropped", handlerErrors, e);
    }
  }

  @Override
  public int loopIndex() {
    return index;
  }

  @Override
  public int workerCount() {
    return index;
  }

  @Override
  public void send(Path path, ByteBuffer payload) {
    Connection c = path instanceof TcpPath tcp ? connections.get(tcp.id()) : null;
    if (c == null) {
      counters.drop(LoopDrop.SEND_FAILED, 1); // the session times out on its own
      return;
    }
    if (c.peer.pendingBytes() > MAX_PENDING_BYTES) {
      c.peer.close("client does not read: " + c.peer.pendingBytes() + " bytes queued");
    }
    if (!c.peer.queue(payload, MAX_PENDING_BYTES)) {
      counters.drop(LoopDrop.SEND_FAILED, 1);
    }
  }

  @Override
  public void writeTun(ByteBuffer packet) {
    if (tunOutput == null) {
      counters.drop(LoopDrop.TUN_WRITE_FAILED, 1);
      return;
    }
    tunOutput.write(packet); // no hand-off, no wake-up
  }

  @Override
  public void drop(LoopDrop reason, int count) {
    counters.drop(reason, count);
  }

  /**
   * This loop's counters: OpenVPN packets (frames) and bytes in and out over every connection,
   * packets written into TUN, receive holds, drops.
   */
  LoopCounters counters() {
    return counters;
  }

  /** Ended connections by cause. */
  DisconnectCounters disconnects() {
    return disconnects;
  }

  TcpListener listener() {
    return listener;
  }

  Throwable failure() {
    return failure;
  }

  long threadId() {
    return threadId;
  }

  void wake() {
    try {
      wake.signal();
    } catch (NativeIoException e) {
      throw new IllegalStateException("waking the TCP loop: " + e.getMessage(), e);
    }
  }

  /** Stops the loop; the caller joins the thread, then calls {@link #close}. */
  void requestStop() {
    running = false;
    wake();
  }

  /** Closes what this loop owns; called after its thread has ended. */
  List<Exception> close() {
    List<Exception> errors = new ArrayList<>();
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
    for (AutoCloseable c : new AutoCloseable[] {listener, epoll, wake}) {
      try {
        c.close();
      } catch (Exception e) {
        errors.add(e);
      }
    }
    return errors;
  }

  /** The packets de-framed from one connection's read, without copying them again. */
  private static final class Received implements Datagrams {
    private final List<byte[]> packets = new ArrayList<>();
    private final List<TcpPath> paths = new ArrayList<>();

    void add(byte[] packet, TcpPath path) {
      packets.add(packet);
      paths.add(path);
    }

    void clear() {
      packets.clear();
      paths.clear();
    }

    @Override
    public int size() {
      return packets.size();
    }

    @Override
    public ByteBuffer payload(int i) {
      return ByteBuffer.wrap(packets.get(i));
    }

    @Override
    public Path path(int i) {
      return paths.get(i);
    }
  }
}
