package dev.braid.agent.transport.tcp;

import dev.braid.agent.nativeio.NativeIoException;
import dev.braid.agent.nativeio.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The few stream operations a {@link TcpPeer} needs, with the kernel's conventions: byte counts, 0
 * for end of stream, {@code -errno} for failures. Lets the peer logic run in memory in tests.
 */
public interface StreamEndpoint {
  /** Bytes read, 0 at the peer's FIN, or {@code -errno} ({@code -EAGAIN}: nothing waiting). */
  int read(ByteBuffer dst);

  /** Bytes written, or {@code -errno} ({@code -EAGAIN}: send buffer full). */
  int write(ByteBuffer src);

  /** Sends our FIN. */
  void shutdownOutput() throws IOException;

  void close() throws IOException;

  InetSocketAddress remoteAddress();

  /** Whether the connection runs MPTCP. */
  boolean isMptcp();

  /** A native TCP or MPTCP connection. */
  static StreamEndpoint of(TcpSocket connection) {
    return new StreamEndpoint() {
      @Override
      public int read(ByteBuffer dst) {
        return connection.read(dst);
      }

      @Override
      public int write(ByteBuffer src) {
        return connection.write(src);
      }

      @Override
      public void shutdownOutput() throws NativeIoException {
        connection.shutdownOutput();
      }

      @Override
      public void close() throws NativeIoException {
        connection.close();
      }

      @Override
      public InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
      }

      @Override
      public boolean isMptcp() {
        return connection.isMptcp();
      }
    };
  }
}
