package dev.braid.agent.transport.tcp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * One transport connection, driven by the loop that owns it: reads hand the stream to the caller's
 * {@link FrameDecoder}, framed packets wait in an output queue until {@link #flush} writes what the
 * kernel takes, and every way the connection can end goes through a {@link DisconnectClassifier}.
 * When it ends, the descriptor is closed, the cause is counted and one log line names cause and
 * peer.
 */
public final class TcpPeer {
  private static final System.Logger LOG = System.getLogger(TcpPeer.class.getName());

  /** What {@link #onReadable()} left behind. */
  public enum ReadState {
    /** Open; everything waiting was read. */
    OPEN,
    /**
     * The peer sent its FIN; we may still write, then {@link #close}. Do not rely on the peer's
     * reset to end it: a closed MPTCP peer keeps acknowledging for 60 s before it resets.
     */
    PEER_FINISHED,
    /** The connection has ended; see {@link #disconnect()}. */
    ENDED
  }

  private final StreamEndpoint endpoint;
  private final FrameDecoder decoder;
  private final DisconnectCounters counters;
  private final DisconnectClassifier classifier;
  private final ByteBuffer readBuffer;
  private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
  private int pendingBytes;
  private long bytesIn;
  private long bytesOut;
  private long framesOut;

  /**
   * @param readBufferSize bytes read per system call
   */
  public TcpPeer(
      StreamEndpoint endpoint,
      FrameDecoder decoder,
      DisconnectCounters counters,
      int readBufferSize) {
    this.endpoint = endpoint;
    this.decoder = decoder;
    this.counters = counters;
    this.classifier = DisconnectClassifier.forPeer(endpoint.remoteAddress());
    this.readBuffer = ByteBuffer.allocate(readBufferSize);
  }

  /** Reads everything waiting (until EAGAIN), feeding the decoder. */
  public ReadState onReadable() {
    while (!classifier.isDecided() && !classifier.finSeen()) {
      readBuffer.clear();
      int n = endpoint.read(readBuffer);
      if (n > 0) {
        bytesIn += n;
        String violation = decoder.feed(readBuffer.array(), 0, n);
        if (violation != null) {
          classifier.protocolError(violation);
          finish();
        }
      } else if (n == 0) {
        classifier.endOfStream();
      } else if (n == -LinuxErrno.EAGAIN) {
        break;
      } else {
        classifier.readError(-n);
        finish();
      }
    }
    return state();
  }

  /**
   * Writes what the kernel takes of {@code src}. Returns the bytes written, or {@code -errno}: on
   * {@code -EAGAIN} retry when writable; any other failure has ended the connection.
   */
  public int send(ByteBuffer src) {
    if (classifier.isDecided()) {
      throw new IllegalStateException("connection with " + endpoint.remoteAddress() + " ended");
    }
    int n = endpoint.write(src);
    if (n > 0) {
      bytesOut += n;
    } else if (n < 0 && n != -LinuxErrno.EAGAIN) {
      classifier.writeError(-n);
      finish();
    }
    return n;
  }

  /**
   * Queues a copy of {@code packet}'s remaining bytes, framed with their length, for the next
   * {@link #flush}; false, queuing nothing, once more than {@code maxPendingBytes} wait (the peer
   * does not read) or the connection has ended.
   */
  public boolean queue(ByteBuffer packet, int maxPendingBytes) {
    if (classifier.isDecided() || pendingBytes > maxPendingBytes) {
      return false;
    }
    ByteBuffer framed = TcpFramer.frame(packet);
    pending.add(framed);
    pendingBytes += framed.remaining();
    return true;
  }

  /** Bytes queued and not yet written. */
  public int pendingBytes() {
    return pendingBytes;
  }

  /**
   * Writes what the kernel takes of the queue, gathering many frames into {@code gather} (larger
   * than the largest frame) per system call; true if data is still waiting on a full send buffer
   * (retry when writable). A failed write ends the connection.
   */
  public boolean flush(ByteBuffer gather) {
    while (!pending.isEmpty() && !classifier.isDecided()) {
      gather.clear();
      for (ByteBuffer b : pending) {
        if (b.remaining() > gather.remaining()) {
          break;
        }
        gather.put(b.duplicate());
      }
      gather.flip();
      int n = send(gather);
      if (n < 0) {
        return n == -LinuxErrno.EAGAIN;
      }
      pendingBytes -= n;
      for (int left = n; left > 0; ) {
        ByteBuffer b = pending.peek();
        int k = Math.min(left, b.remaining());
        b.position(b.position() + k);
        left -= k;
        if (!b.hasRemaining()) {
          pending.poll();
          framesOut++;
        }
      }
      if (gather.hasRemaining()) {
        return true;
      }
    }
    return false;
  }

  /** Sends our FIN; reading continues until the peer's. */
  public void shutdownOutput() throws IOException {
    classifier.localShutdown();
    endpoint.shutdownOutput();
  }

  /**
   * Closes the connection for {@code reason}: a clean close if the peer had already sent its FIN,
   * otherwise a local close with that reason. Does nothing once ended.
   */
  public void close(String reason) {
    if (!classifier.isDecided()) {
      classifier.localClose(reason);
      finish();
    }
  }

  private void finish() {
    Disconnect d = classifier.result();
    try {
      endpoint.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "closing connection with " + endpoint.remoteAddress() + " failed", e);
    }
    counters.record(d.cause());
    String transport = endpoint.isMptcp() ? "MPTCP" : "TCP";
    LOG.log(
        Level.INFO,
        () -> d.describe() + " [" + transport + ", in " + bytesIn + " B, out " + bytesOut + " B]");
  }

  public ReadState state() {
    if (classifier.isDecided()) {
      return ReadState.ENDED;
    }
    return classifier.finSeen() ? ReadState.PEER_FINISHED : ReadState.OPEN;
  }

  /** How the connection ended, or null while it is open. */
  public Disconnect disconnect() {
    return classifier.result();
  }

  public boolean isMptcp() {
    return endpoint.isMptcp();
  }

  public long bytesIn() {
    return bytesIn;
  }

  public long bytesOut() {
    return bytesOut;
  }

  /** Frames {@link #flush} wrote completely. */
  public long framesOut() {
    return framesOut;
  }

  /** The events seen, for tests that replay them through the errno-only classifier. */
  DisconnectClassifier classifier() {
    return classifier;
  }
}
