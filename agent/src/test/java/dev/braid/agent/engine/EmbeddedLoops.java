package dev.braid.agent.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The engine's loops in memory, as Netty's EmbeddedChannel is a channel without a socket: N UDP
 * workers and optionally the TCP loop, each with its handlers from {@link Engine.Handlers} and a
 * {@link LoopContext} that records what the handler sends and writes to TUN instead of touching a
 * kernel. A test drives it from one thread: {@link #receive} a packet on a loop, {@link #readTun} a
 * packet a loop read from TUN, then read {@link #takeSent()} and {@link #takeTun}. After every
 * input the loops run their timers as the real ones do after a turn, including loops that were
 * woken (hand-offs). The same path types as the real loops apply: a worker sends only on a {@link
 * UdpPath}, the TCP loop only on a {@link TcpPath} it knows, anything else counts {@link
 * LoopDrop#SEND_FAILED}.
 */
public final class EmbeddedLoops implements Loops {
  /** One packet a loop sent, in the order it was queued. */
  public record Sent(int loop, Path path, byte[] bytes) {}

  private final int workers;
  private final int port;
  private final List<Loop> loops = new ArrayList<>();
  private final AtomicIntegerArray woken;
  private final List<Sent> sent = new ArrayList<>();

  /**
   * @param workers UDP workers
   * @param tcp whether the TCP loop (index {@code workers}) runs
   * @param port the port {@link #port()} reports
   */
  public EmbeddedLoops(int workers, boolean tcp, int port, Engine.Handlers handlers) {
    this.workers = workers;
    this.port = port;
    int count = workers + (tcp ? 1 : 0);
    this.woken = new AtomicIntegerArray(count);
    for (int i = 0; i < count; i++) {
      loops.add(
          new Loop(
              i,
              handlers.datagramHandler(i),
              i < workers ? handlers.tunHandler(i) : null,
              handlers.timer(i)));
    }
  }

  /** Hands {@code packet} to loop {@code loop} as received over {@code path}, then settles. */
  public void receive(int loop, Path path, byte[] packet) {
    Loop l = loops.get(loop);
    l.handler.onDatagrams(new One(packet, path), l);
    settle(loop);
  }

  /** Hands {@code packet} to worker {@code loop} as read from its TUN queue, then settles. */
  public void readTun(int loop, byte[] packet) {
    Loop l = loops.get(loop);
    if (l.tun == null) {
      throw new IllegalArgumentException("loop " + loop + " reads no TUN");
    }
    l.tun.onTunPackets(
        new TunPackets() {
          @Override
          public int size() {
            return 1;
          }

          @Override
          public ByteBuffer packet(int i) {
            return ByteBuffer.wrap(packet.clone());
          }
        },
        l);
    settle(loop);
  }

  /** Runs every loop's timer once (time passing), then settles. */
  public void tick() {
    for (int i = 0; i < loops.size(); i++) {
      loops.get(i).runTimer();
    }
    settle(-1);
  }

  /** Runs the timer of {@code loop} (as after its turn) and of every woken loop until none is. */
  private void settle(int loop) {
    if (loop >= 0) {
      loops.get(loop).runTimer();
    }
    boolean any = true;
    while (any) {
      any = false;
      for (int i = 0; i < loops.size(); i++) {
        if (woken.getAndSet(i, 0) != 0) {
          loops.get(i).runTimer();
          any = true;
        }
      }
    }
  }

  /** Everything sent since the last call, in order. */
  public List<Sent> takeSent() {
    List<Sent> all = List.copyOf(sent);
    sent.clear();
    return all;
  }

  /** The IP packets loop {@code loop} wrote into TUN since the last call. */
  public List<byte[]> takeTun(int loop) {
    Loop l = loops.get(loop);
    List<byte[]> all = List.copyOf(l.tunWrites);
    l.tunWrites.clear();
    return all;
  }

  /** Loop {@code loop}'s counters (drops by reason; sends and TUN writes are only recorded). */
  public CounterSnapshot counters(int loop) {
    return loops.get(loop).counters.snapshot();
  }

  /** Opens a TCP connection's path on the TCP loop, so that it may send on it. */
  public TcpPath connect(TcpPath path) {
    loops.get(workers).connections.add(path);
    return path;
  }

  @Override
  public int workerCount() {
    return workers;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public void wake(int loop) {
    if (loop < loops.size()) {
      woken.set(loop, 1);
    }
  }

  private final class Loop implements LoopContext {
    final int index;
    final DatagramHandler handler;
    final TunHandler tun;
    final LoopTimer timer;
    final LoopCounters counters;
    final List<byte[]> tunWrites = new ArrayList<>();
    final List<TcpPath> connections = new ArrayList<>();

    Loop(int index, DatagramHandler handler, TunHandler tun, LoopTimer timer) {
      this.index = index;
      this.handler = handler;
      this.tun = tun;
      this.timer = timer;
      this.counters = new LoopCounters(index);
    }

    void runTimer() {
      if (timer != null) {
        timer.onTimer(this, System.nanoTime());
      }
    }

    @Override
    public int loopIndex() {
      return index;
    }

    @Override
    public int workerCount() {
      return workers;
    }

    @Override
    public void send(Path path, ByteBuffer payload) {
      boolean served = index < workers ? path instanceof UdpPath : connections.contains(path);
      if (!served) {
        counters.drop(LoopDrop.SEND_FAILED, 1);
        return;
      }
      byte[] bytes = new byte[payload.remaining()];
      payload.get(payload.position(), bytes);
      sent.add(new Sent(index, path, bytes));
    }

    @Override
    public void writeTun(ByteBuffer packet) {
      byte[] bytes = new byte[packet.remaining()];
      packet.get(packet.position(), bytes);
      tunWrites.add(bytes);
    }

    @Override
    public void drop(LoopDrop reason, int count) {
      counters.drop(reason, count);
    }
  }

  /** One received packet. */
  private record One(byte[] packet, Path path) implements Datagrams {
    @Override
    public int size() {
      return 1;
    }

    @Override
    public ByteBuffer payload(int i) {
      return ByteBuffer.wrap(packet.clone());
    }

    @Override
    public Path path(int i) {
      return path;
    }
  }
}
