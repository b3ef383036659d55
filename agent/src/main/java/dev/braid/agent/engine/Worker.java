package dev.braid.agent.engine;

import dev.braid.agent.nativeio.Epoll;
import dev.braid.agent.nativeio.EventFd;
import dev.braid.agent.nativeio.NativeIoException;
import dev.braid.agent.nativeio.ThreadAffinity;
import dev.braid.agent.nativeio.TunQueue;
import dev.braid.agent.nativeio.UdpSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One data plane thread: its own socket ({@link UdpPort}), TUN queue, epoll and buffers. Nothing
 * here is shared with other workers, so the packet path takes no lock.
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
  private final UdpPort port;
  private final TunQueue tun;
  private final Epoll epoll;
  private final EventFd wake;
  private final DatagramHandler datagramHandler;
  private final TunHandler tunHandler;
  private final LoopTimer timer;
  private final LoopCounters counters;
  private final TunView tunView;
  private final TunSegmenter segmenter;
  private final TunOutput tunOutput;
  private long handlerErrors;
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
    this.tun = tun;
    this.datagramHandler = datagramHandler;
    this.tunHandler = tunHandler;
    this.timer = timer;
    this.counters = new LoopCounters(index);
    this.hold = new ReceiveHold(config.receiveHoldMicros());
    this.tunOutput = tun == null ? null : new TunOutput(tun.newWriter(), counters.tunCounts());
    boolean segmented = tun != null && tun.segmentedReads();
    this.segmenter = segmented ? TunSegmenter.forReads(tun.capacity()) : null;
    this.tunView = new TunView(segmented ? segmenter.capacity() : 0);
    this.port =
        new UdpPort(
            "worker " + index,
            socket,
            config.batchSize(),
            config.datagramSize(),
            config.udpSegmentation(),
            counters);
    this.epoll = Epoll.create(4);
    this.wake = EventFd.create();
    epoll.add(port.fd(), Epoll.READABLE, TAG_SOCKET);
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
      int n = port.receive();
      if (n == 0) {
        return;
      }
      hold.received(System.nanoTime());
      Datagrams received = port.received();
      if (received.size() > 0) {
        try {
          datagramHandler.onDatagrams(received, this);
        } catch (RuntimeException e) {
          handlerError(e);
          counters.drop(LoopDrop.HANDLER_ERROR, received.size());
        }
      }
      flush();
      if (n < port.capacity()) {
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
    port.flush();
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
    if (!(path instanceof UdpPath udp)) {
      counters.drop(LoopDrop.SEND_FAILED, 1);
      return;
    }
    if (port.sendBatchFull()) {
      flush(); // TUN output too, as after a handler call
    }
    boolean pinSource = config.replyFromReceivedAddress() && udp.local() != null;
    port.send(udp, pinSource ? udp.local() : null, pinSource ? udp.ifindex() : 0, payload);
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
    return port.segmentationRefusal();
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
    for (AutoCloseable c : new AutoCloseable[] {tunOutput, port, tun, epoll, wake}) {
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
