package dev.braid.agent.engine;

import dev.braid.agent.nativeio.Epoll;
import dev.braid.agent.nativeio.EventFd;
import dev.braid.agent.nativeio.NativeIoException;
import dev.braid.agent.nativeio.ReceiveBatch;
import dev.braid.agent.nativeio.SendBatch;
import dev.braid.agent.nativeio.ThreadAffinity;
import dev.braid.agent.nativeio.TunQueue;
import dev.braid.agent.nativeio.UdpSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One data plane thread: its own socket, TUN queue, epoll and buffers. Nothing here is shared with
 * other workers, so the packet path takes no lock.
 */
final class Worker implements Runnable, LoopContext {
  private static final System.Logger LOG = System.getLogger(Worker.class.getName());
  private static final long TAG_SOCKET = 1;
  private static final long TAG_TUN = 2;
  private static final long TAG_WAKE = 3;

  /** Receive rounds per wake-up before giving the other descriptors a turn. */
  private static final int ROUNDS = 16;

  private final int index;
  private final int count;
  private final EngineConfig config;
  private final UdpSocket socket;
  private final TunQueue tun;
  private final Epoll epoll;
  private final EventFd wake;
  private final ReceiveBatch rx;
  private final SendBatch tx;
  private final DatagramHandler datagramHandler;
  private final TunHandler tunHandler;
  private final LoopTimer timer;
  private final LoopCounters counters;
  private final ReceivedView received;
  private final TunView tunView;
  private final TunSegmenter segmenter;
  private final TunOutput tunOutput;
  private long handlerErrors;
  private boolean segmentationRefusalLogged;
  private final ReceiveHold hold;
  private volatile boolean running = true;
  private volatile Throwable failure;
  private volatile long threadId = -1;

  Worker(
      int index,
      int count,
      EngineConfig config,
      UdpSocket socket,
      TunQueue tun,
      DatagramHandler datagramHandler,
      TunHandler tunHandler,
      LoopTimer timer)
      throws NativeIoException {
    this.index = index;
    this.count = count;
    this.config = config;
    this.socket = socket;
    this.tun = tun;
    this.datagramHandler = datagramHandler;
    this.tunHandler = tunHandler;
    this.timer = timer;
    this.counters = new LoopCounters(index);
    this.hold = new ReceiveHold(config.receiveHoldMicros());
    this.received = new ReceivedView(config.batchSize());
    this.tunOutput = tun == null ? null : new TunOutput(tun.newWriter(), counters.tunCounts());
    boolean segmented = tun != null && tun.segmentedReads();
    this.segmenter = segmented ? TunSegmenter.forReads(tun.capacity()) : null;
    this.tunView = new TunView(segmented ? segmenter.capacity() : 0);
    this.rx = socket.newReceiveBatch(config.batchSize(), config.datagramSize());
    this.tx = socket.newSendBatch(config.batchSize(), config.datagramSize());
    tx.segmentation(config.udpSegmentation());
    this.epoll = Epoll.create(4);
    this.wake = EventFd.create();
    epoll.add(socket.fd(), Epoll.READABLE, TAG_SOCKET);
    epoll.add(wake.fd(), Epoll.READABLE, TAG_WAKE);
    if (tun != null) {
      epoll.add(tun.fd(), Epoll.READABLE, TAG_TUN);
    }
  }

  @Override
  public void run() {
    threadId = Thread.currentThread().threadId();
    try {
      int[] cpus = config.cpus();
      if (cpus.length > 0) {
        ThreadAffinity.pinCurrentThread(cpus[index % cpus.length]);
      }
      int timeout = runTimer(); // the first deadline, before any I/O
      while (running) {
        int ready = epoll.await(timeout);
        for (int i = 0; i < ready; i++) {
          long tag = epoll.tag(i);
          if (tag == TAG_SOCKET) {
            if (hold.beforeReceive()) {
              counters.held();
            }
            pollSocket();
          } else if (tag == TAG_TUN) {
            pollTun();
          } else {
            wake.drain();
          }
        }
        timeout = runTimer();
      }
    } catch (Throwable t) {
      failure = t;
    }
  }

  private void pollSocket() throws NativeIoException {
    for (int round = 0; round < ROUNDS; round++) {
      int n = socket.receive(rx);
      if (n == 0) {
        return;
      }
      received.reset();
      long bytes = 0;
      for (int i = 0; i < n; i++) {
        bytes += rx.length(i);
        if (rx.isTruncated(i)) {
          counters.drop(LoopDrop.OVERSIZED, 1);
        } else if (rx.length(i) == 0) {
          counters.drop(LoopDrop.EMPTY, 1);
        } else {
          received.accept(i);
        }
      }
      counters.received(n, bytes);
      hold.received(System.nanoTime());
      if (received.size > 0) {
        try {
          datagramHandler.onDatagrams(received, this);
        } catch (RuntimeException e) {
          handlerError(e);
          counters.drop(LoopDrop.HANDLER_ERROR, received.size);
        }
      }
      flush();
      if (n < rx.capacity()) {
        return;
      }
    }
  }

  private void pollTun() throws NativeIoException {
    for (int round = 0; round < ROUNDS; round++) {
      int n = tun.readBatch();
      if (n == 0) {
        return;
      }
      long bytes = 0;
      for (int i = 0; i < n; i++) {
        bytes += tun.packet(i).remaining();
      }
      counters.tunRead(n, bytes);
      if (segmenter != null) {
        segmentReads(n);
      } else {
        tunView.size = n;
      }
      try {
        tunHandler.onTunPackets(tunView, this);
      } catch (RuntimeException e) {
        handlerError(e);
        counters.drop(LoopDrop.HANDLER_ERROR, n);
      }
      flush();
      if (n < config.batchSize()) {
        return;
      }
    }
  }

  /** Logs the first handler failure and then every 1000th, with its stack trace. */
  private void handlerError(RuntimeException e) {
    if (handlerErrors++ % 1000 == 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          "worker " + index + ": handler failed (" + handlerErrors + " so far); dropped",
          e);
    }
  }

  /** Runs the timer and turns its deadline into an epoll_wait timeout (rounded up to 1 ms). */
  private int runTimer() {
    if (timer == null) {
      return -1;
    }
    long now = System.nanoTime();
    long deadline;
    try {
      deadline = timer.onTimer(this, now);
    } catch (RuntimeException e) {
      handlerError(e);
      counters.drop(LoopDrop.HANDLER_ERROR, 1);
      deadline = now + 100_000_000L; // try again soon rather than never
    }
    flush();
    if (deadline == LoopTimer.NONE) {
      return -1;
    }
    long millis = Math.max(0, (deadline - now + 999_999) / 1_000_000);
    return (int) Math.min(millis, Integer.MAX_VALUE);
  }

  private void flush() {
    if (tunOutput != null) {
      tunOutput.flush();
    }
    int queued = tx.size();
    if (queued == 0) {
      return;
    }
    int segmentedSends = 0;
    int segmentedDatagrams = 0;
    for (int m = 0; m < tx.messageCount(); m++) {
      int datagrams = tx.messageDatagrams(m);
      if (datagrams > 1) {
        segmentedSends++;
        segmentedDatagrams += datagrams;
      }
    }
    int skipped = socket.send(tx);
    if (segmentedSends > 0) {
      counters.segmentedSends(segmentedSends, segmentedDatagrams);
      if (socket.segmentationRefused() != 0 && !segmentationRefusalLogged) {
        segmentationRefusalLogged = true;
        LOG.log(
            System.Logger.Level.WARNING,
            "worker "
                + index
                + ": the kernel refused UDP segmentation ("
                + socket.segmentationRefusal()
                + "); sending one datagram per message from now on, none lost");
      }
    }
    counters.sent(queued - skipped, tx.lastSentBytes());
    if (skipped > 0) {
      counters.drop(LoopDrop.SEND_FAILED, skipped);
    }
  }

  @Override
  public int loopIndex() {
    return index;
  }

  @Override
  public int workerCount() {
    return count;
  }

  @Override
  public void send(Path path, ByteBuffer payload) {
    if (!(path instanceof UdpPath udp) || payload.remaining() > tx.bufferSize()) {
      counters.drop(LoopDrop.SEND_FAILED, 1);
      return;
    }
    if (tx.isFull()) {
      flush();
    }
    boolean pinSource = config.replyFromReceivedAddress() && udp.local() != null;
    tx.add(udp.remote(), pinSource ? udp.local() : null, pinSource ? udp.ifindex() : 0, payload);
  }

  @Override
  public void writeTun(ByteBuffer packet) {
    if (tun == null) {
      counters.drop(LoopDrop.TUN_WRITE_FAILED, 1);
      return;
    }
    tunOutput.write(packet);
  }

  @Override
  public void drop(LoopDrop reason, int n) {
    counters.drop(reason, n);
  }

  LoopCounters counters() {
    return counters;
  }

  /** The worker thread's id once it runs, for CPU-time accounting; -1 before. */
  long threadId() {
    return threadId;
  }

  Throwable failure() {
    return failure;
  }

  /** Why the kernel refused this worker's UDP GSO sends, or null if it never did. */
  String segmentationRefusal() {
    return socket.segmentationRefusal();
  }

  void wake() throws NativeIoException {
    wake.signal();
  }

  void requestStop() throws NativeIoException {
    running = false;
    wake.signal();
  }

  /** Closes what this worker owns; called after its thread has ended. */
  List<Exception> close() {
    List<Exception> errors = new ArrayList<>();
    for (AutoCloseable c : new AutoCloseable[] {tunOutput, socket, tun, epoll, wake, rx, tx}) {
      if (c == null) {
        continue;
      }
      try {
        c.close();
      } catch (Exception e) {
        errors.add(e);
      }
    }
    return errors;
  }

  /** The accepted datagrams of the last receive, without copying them. */
  private final class ReceivedView implements Datagrams {
    private final int[] accepted;
    private int size;

    ReceivedView(int capacity) {
      accepted = new int[capacity];
    }

    void reset() {
      size = 0;
    }

    void accept(int i) {
      accepted[size++] = i;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public ByteBuffer payload(int i) {
      return rx.payload(slot(i));
    }

    @Override
    public Path path(int i) {
      int s = slot(i);
      return new UdpPath(rx.remoteAddress(s), rx.localAddress(s), rx.ifindex(s));
    }

    private int slot(int i) {
      if (i < 0 || i >= size) {
        throw new IndexOutOfBoundsException("datagram " + i + " of " + size);
      }
      return accepted[i];
    }
  }

  /**
   * Turns a batch of reads from a queue with segmentation offload into the view's packets: plain
   * packets as read, super-packets and partial checksums through the segmenter.
   */
  private void segmentReads(int n) {
    segmenter.reset();
    int size = 0;
    for (int i = 0; i < n; i++) {
      ByteBuffer header = tun.vnetHeader(i);
      ByteBuffer packet = tun.packet(i);
      if (header.get(0) == 0 && header.get(1) == 0) {
        tunView.segments[size++] = packet;
        continue;
      }
      int first = segmenter.count();
      int added = segmenter.split(header, packet);
      if (added < 0) {
        counters.drop(LoopDrop.TUN_SEGMENT_FAILED, 1);
        continue;
      }
      counters.segmented(added);
      for (int k = 0; k < added; k++) {
        tunView.segments[size++] = segmenter.segment(first + k);
      }
    }
    tunView.size = size;
  }

  private final class TunView implements TunPackets {
    private int size;
    private final ByteBuffer[] segments;

    TunView(int capacity) {
      segments = capacity > 0 ? new ByteBuffer[capacity] : null;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public ByteBuffer packet(int i) {
      if (segments != null) {
        if (i < 0 || i >= size) {
          throw new IndexOutOfBoundsException("packet " + i + " of " + size);
        }
        return segments[i];
      }
      return tun.packet(i);
    }
  }
}
