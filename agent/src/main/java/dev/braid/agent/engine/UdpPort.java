package dev.braid.agent.engine;

import dev.braid.agent.nativeio.FileDescriptor;
import dev.braid.agent.nativeio.NativeIoException;
import dev.braid.agent.nativeio.ReceiveBatch;
import dev.braid.agent.nativeio.SendBatch;
import dev.braid.agent.nativeio.UdpSocket;
import java.nio.ByteBuffer;

/**
 * One UDP socket of a loop with its receive and send batches: receives a batch at a time into a
 * view of the accepted datagrams, queues replies and sends them in one sendmmsg (UDP GSO where the
 * kernel takes it), counting into the loop's counters. A worker owns one; a loop with a socket per
 * uplink (a site gateway's client side) owns several and sends each path's packets through the port
 * its {@link UdpPath#local()} names. Used by its loop's thread only.
 */
final class UdpPort implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(UdpPort.class.getName());

  private final String loopName;
  private final UdpSocket socket;
  private final ReceiveBatch rx;
  private final SendBatch tx;
  private final LoopCounters counters;
  private final ReceivedView received;
  private boolean segmentationRefusalLogged;

  /**
   * @param loopName how log lines name the loop
   * @param batchSize datagrams per recvmmsg/sendmmsg
   * @param datagramSize receive buffer per datagram; larger datagrams are dropped as OVERSIZED
   * @param udpSegmentation join same-size datagrams to one peer into UDP GSO messages
   */
  UdpPort(
      String loopName,
      UdpSocket socket,
      int batchSize,
      int datagramSize,
      boolean udpSegmentation,
      LoopCounters counters) {
    this.loopName = loopName;
    this.socket = socket;
    this.counters = counters;
    this.rx = socket.newReceiveBatch(batchSize, datagramSize);
    this.tx = socket.newSendBatch(batchSize, datagramSize);
    tx.segmentation(udpSegmentation);
    this.received = new ReceivedView(batchSize);
  }

  /** The socket's descriptor, for epoll. */
  FileDescriptor fd() {
    return socket.fd();
  }

  /** Whether the send batch is full: the next {@link #send} sends it first. */
  boolean sendBatchFull() {
    return tx.isFull();
  }

  /** Datagrams one receive may return. */
  int capacity() {
    return rx.capacity();
  }

  /**
   * Receives what is waiting, up to one batch, without blocking; counts it, drops (and counts)
   * oversized and empty datagrams and returns how many arrived, 0 when none were waiting. The
   * others are in {@link #received()} until the next receive.
   */
  int receive() throws NativeIoException {
    int n = socket.receive(rx);
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
    if (n > 0) {
      counters.received(n, bytes);
    }
    return n;
  }

  /** The accepted datagrams of the last receive, without copying them. */
  Datagrams received() {
    return received;
  }

  /**
   * Queues a copy of {@code payload} to {@code path}, leaving from {@code source} (null: the kernel
   * chooses) through interface {@code ifindex}; sends the batch first when it is full. Too large a
   * payload counts a {@link LoopDrop#SEND_FAILED}.
   */
  void send(UdpPath path, java.net.InetAddress source, int ifindex, ByteBuffer payload) {
    if (payload.remaining() > tx.bufferSize()) {
      counters.drop(LoopDrop.SEND_FAILED, 1);
      return;
    }
    if (tx.isFull()) {
      flush();
    }
    tx.add(path.remote(), source, ifindex, payload);
  }

  /** Sends what is queued in one sendmmsg and counts it; refused datagrams are dropped. */
  void flush() {
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
            loopName
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

  /** Why the kernel refused this port's UDP GSO sends, or null if it never did. */
  String segmentationRefusal() {
    return socket.segmentationRefusal();
  }

  /** Closes the socket and frees the batches. */
  @Override
  public void close() throws NativeIoException {
    try {
      socket.close();
    } finally {
      rx.close();
      tx.close();
    }
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
}
