package dev.braid.agent.transport.tcp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * One accepted transport connection, driven by the worker that owns it: reads hand the stream to
 * the caller's {@link FrameDecoder}, writes go straight to the socket, and every way the connection
 * can end goes through a {@link DisconnectClassifier}. When it ends, the descriptor is closed, the
 * cause is counted and one log line names cause and peer.
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
  private long bytesIn;
  private long bytesOut;

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

  /** The events seen, for tests that replay them through the errno-only classifier. */
  DisconnectClassifier classifier() {
    return classifier;
  }
}
