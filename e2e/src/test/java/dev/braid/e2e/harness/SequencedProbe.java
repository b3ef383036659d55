package dev.braid.e2e.harness;

import dev.braid.agent.nativeio.TcpListener;
import dev.braid.agent.nativeio.TcpOptions;
import dev.braid.agent.nativeio.TcpSocket;
import dev.braid.agent.testing.NetNs;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A paced stream of sequenced, timestamped probe messages (default 1000 a second) from one
 * namespace to another, over UDP or over one MPTCP connection, for failover figures: the largest
 * inter-arrival gap at the receiver (and when it began), how many were lost, reordered or
 * duplicated, and the one-way delay (both ends read the same monotonic clock: namespaces share the
 * machine). Sender and receiver are threads of this JVM whose sockets live in their namespaces.
 *
 * <p>Over MPTCP the sender queues messages the connection does not take yet (the send buffer is
 * full while a path is dead), so a stall shows as a gap and as delay, never as loss.
 */
public final class SequencedProbe implements AutoCloseable {
  /** Bytes per message: sequence number, send time, padding. */
  public static final int MESSAGE = 64;

  /** Gaps at least this long are listed in the result. */
  public static final Duration LISTED_GAP = Duration.ofMillis(100);

  /** An inter-arrival gap: when it began (seconds after the probe started) and how long it was. */
  public record Gap(double atSeconds, double millis) {}

  /**
   * What arrived.
   *
   * @param maxGapAtSeconds when the largest gap began, in seconds after the probe started
   * @param gaps every gap of {@link #LISTED_GAP} or more, in order
   */
  public record Result(
      long sent,
      long received,
      long lost,
      long reordered,
      long duplicates,
      double maxGapMillis,
      double maxGapAtSeconds,
      List<Gap> gaps,
      double oneWayP50Millis,
      double oneWayP99Millis) {}

  private final Transport transport;
  private final long periodNanos;
  private final Thread sender;
  private final Thread receiver;
  private final long startNanos;
  private volatile boolean sending = true;
  private volatile boolean receiving = true;
  private volatile long sent;
  private volatile IOException failure;

  // receiver state, guarded by this
  private final BitSet seen = new BitSet();
  private long received;
  private long reordered;
  private long duplicates;
  private long highest = -1;
  private long lastArrival;
  private long maxGap;
  private long maxGapAt;
  private final List<Gap> gaps = new ArrayList<>();
  private long[] oneWay = new long[1 << 14];

  private SequencedProbe(Transport transport, int perSecond) {
    this.transport = transport;
    this.periodNanos = 1_000_000_000L / perSecond;
    this.startNanos = System.nanoTime();
    this.receiver = Thread.ofPlatform().daemon().name("probe-rx").start(this::receive);
    this.sender = Thread.ofPlatform().daemon().name("probe-tx").start(this::send);
  }

  /**
   * Starts a UDP probe from {@code from} (bound to {@code source}, which picks the site's uplink,
   * or unbound when null) to {@code address:port} in {@code to}.
   */
  public static SequencedProbe udp(
      NetNs from, String source, NetNs to, String address, int port, int perSecond)
      throws Exception {
    InetSocketAddress target = new InetSocketAddress(address, port);
    DatagramChannel rx = to.call(() -> DatagramChannel.open().bind(target));
    try {
      rx.socket().setSoTimeout(100);
      DatagramChannel tx =
          from.call(
              () -> {
                DatagramChannel c = DatagramChannel.open();
                c.bind(new InetSocketAddress(source == null ? "0.0.0.0" : source, 0));
                return c.connect(target);
              });
      return new SequencedProbe(new Udp(tx, rx), perSecond);
    } catch (Exception e) {
      rx.close();
      throw e;
    }
  }

  /**
   * Starts a probe over one MPTCP connection from {@code from} to {@code address:port} in {@code
   * to}; fails unless both ends really run MPTCP (no silent fallback to TCP).
   */
  public static SequencedProbe mptcp(NetNs from, NetNs to, String address, int port, int perSecond)
      throws Exception {
    InetSocketAddress target = new InetSocketAddress(address, port);
    TcpListener listener =
        to.call(() -> TcpListener.open(target, TcpListener.Options.defaults().withMptcp(true)));
    try {
      if (!listener.isMptcp()) {
        throw new IOException("no MPTCP listener in " + to + ": " + listener.protocol().reason());
      }
      TcpSocket tx =
          from.call(
              () -> TcpSocket.connect(target, true, TcpOptions.defaults(), Duration.ofSeconds(5)));
      if (!listener.awaitAcceptable(5000)) {
        tx.close();
        throw new IOException("probe connection to " + target + " never arrived");
      }
      TcpSocket rx = listener.accept();
      if (!tx.isMptcp() || rx == null || !rx.isMptcp()) {
        tx.close();
        if (rx != null) {
          rx.close();
        }
        throw new IOException("probe connection " + tx + " fell back to TCP");
      }
      return new SequencedProbe(new Mptcp(tx, rx), perSecond);
    } finally {
      listener.close();
    }
  }

  /** When the probe started, on {@link System#nanoTime()}'s clock. */
  public long startNanos() {
    return startNanos;
  }

  private void send() {
    ByteBuffer message = ByteBuffer.allocate(MESSAGE);
    long next = startNanos;
    try {
      for (long seq = 0; sending; seq++) {
        long wait;
        while ((wait = next - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        message.clear();
        message.putLong(seq).putLong(System.nanoTime()).position(MESSAGE).flip();
        transport.send(message);
        sent = seq + 1;
        next += periodNanos;
      }
      // what a stalled connection still holds goes out while the receiver waits for it
      while (receiving && !transport.flush()) {
        LockSupport.parkNanos(1_000_000);
      }
    } catch (IOException e) {
      failure = e;
    }
  }

  private void receive() {
    try {
      while (receiving) {
        transport.receive(this::arrived);
      }
    } catch (IOException e) {
      if (receiving) {
        failure = e;
      }
    }
  }

  private synchronized void arrived(long seq, long sentNanos, long now) {
    received++;
    if (seq > Integer.MAX_VALUE || seq < 0) {
      return; // not a message of ours
    }
    if (seen.get((int) seq)) {
      duplicates++;
      return;
    }
    seen.set((int) seq);
    if (seq < highest) {
      reordered++;
    } else {
      highest = seq;
    }
    if (lastArrival != 0) {
      long gap = now - lastArrival;
      if (gap > maxGap) {
        maxGap = gap;
        maxGapAt = lastArrival - startNanos;
      }
      if (gap >= LISTED_GAP.toNanos()) {
        gaps.add(new Gap((lastArrival - startNanos) / 1e9, gap / 1e6));
      }
    }
    lastArrival = now;
    int n = (int) (received - duplicates - 1);
    if (n >= oneWay.length) {
      oneWay = Arrays.copyOf(oneWay, oneWay.length * 2);
    }
    oneWay[n] = now - sentNanos;
  }

  /**
   * Stops sending, gives what is in flight up to {@code drain} to arrive (over MPTCP: until all
   * has), and reports. Throws if a socket failed on the way.
   */
  public Result stop(Duration drain) throws IOException, InterruptedException {
    sending = false;
    sender.join(5000);
    long total = sent;
    long deadline = System.nanoTime() + drain.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (this) {
        if (received - duplicates >= total) {
          break;
        }
      }
      Thread.sleep(10);
    }
    receiving = false;
    receiver.join(5000);
    close();
    if (failure != null) {
      throw failure;
    }
    synchronized (this) {
      long unique = received - duplicates;
      long[] delays = Arrays.copyOf(oneWay, (int) unique);
      Arrays.sort(delays);
      return new Result(
          total,
          unique,
          total - unique,
          reordered,
          duplicates,
          maxGap / 1e6,
          maxGapAt / 1e9,
          List.copyOf(gaps),
          percentile(delays, 50) / 1e6,
          percentile(delays, 99) / 1e6);
    }
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  @Override
  public void close() throws IOException {
    sending = false;
    receiving = false;
    transport.close();
  }

  @FunctionalInterface
  private interface Arrival {
    void arrived(long seq, long sentNanos, long nowNanos);
  }

  /** How messages travel; {@link #receive} waits at most ~100 ms, so stopping is prompt. */
  private interface Transport {
    void send(ByteBuffer message) throws IOException;

    /** Sends what earlier sends left queued; true when nothing is left. */
    boolean flush() throws IOException;

    void receive(Arrival arrival) throws IOException;

    void close() throws IOException;
  }

  private record Udp(DatagramChannel tx, DatagramChannel rx, ByteBuffer in) implements Transport {
    Udp(DatagramChannel tx, DatagramChannel rx) {
      this(tx, rx, ByteBuffer.allocate(MESSAGE));
    }

    @Override
    public void send(ByteBuffer message) throws IOException {
      try {
        tx.write(message);
      } catch (PortUnreachableException e) {
        // an ICMP error for an earlier datagram (a path's far end not listening yet): go on
      }
    }

    @Override
    public boolean flush() {
      return true;
    }

    @Override
    public void receive(Arrival arrival) throws IOException {
      try {
        // the blocking socket adaptor honours SO_TIMEOUT, the channel's read does not
        DatagramPacket packet = new DatagramPacket(in.array(), MESSAGE);
        rx.socket().receive(packet);
        long now = System.nanoTime();
        if (packet.getLength() >= 16) {
          arrival.arrived(in.getLong(0), in.getLong(8), now);
        }
      } catch (SocketTimeoutException quiet) {
        // nothing this 100 ms: a gap, measured at the next arrival
      }
    }

    @Override
    public void close() throws IOException {
      tx.close();
      rx.close();
    }
  }

  /** One MPTCP connection; the sender keeps what the send buffer did not take, in order. */
  private static final class Mptcp implements Transport {
    private static final int EAGAIN = 11;
    private final TcpSocket tx;
    private final TcpSocket rx;
    private ByteBuffer backlog = ByteBuffer.allocate(1 << 16).flip();
    private final ByteBuffer in = ByteBuffer.allocate(1 << 16);

    Mptcp(TcpSocket tx, TcpSocket rx) {
      this.tx = tx;
      this.rx = rx;
    }

    @Override
    public void send(ByteBuffer message) throws IOException {
      if (backlog.remaining() + message.remaining() > backlog.capacity()) {
        backlog = ByteBuffer.allocate(backlog.capacity() * 2).put(backlog).flip();
      }
      backlog.compact().put(message).flip();
      flush();
    }

    @Override
    public boolean flush() throws IOException {
      if (backlog.hasRemaining()) {
        int rc = tx.write(backlog);
        if (rc < 0 && rc != -EAGAIN) { // EAGAIN: the send buffer is full, retry next tick
          throw new IOException("probe send over " + tx + " failed: errno " + -rc);
        }
      }
      return !backlog.hasRemaining();
    }

    @Override
    public void receive(Arrival arrival) throws IOException {
      if (!rx.awaitReadable(100)) {
        return;
      }
      int rc = rx.read(in);
      long now = System.nanoTime();
      if (rc == 0) {
        throw new IOException("probe connection closed by the sender");
      }
      if (rc < 0 && rc != -EAGAIN) {
        throw new IOException("probe receive over " + rx + " failed: errno " + -rc);
      }
      in.flip();
      while (in.remaining() >= MESSAGE) {
        long seq = in.getLong();
        long sentNanos = in.getLong();
        in.position(in.position() + MESSAGE - 16);
        arrival.arrived(seq, sentNanos, now);
      }
      in.compact();
    }

    @Override
    public void close() throws IOException {
      try {
        tx.close();
      } finally {
        rx.close();
      }
    }
  }
}
