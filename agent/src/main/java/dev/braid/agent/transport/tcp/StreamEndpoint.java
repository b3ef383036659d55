package dev.braid.agent.transport.tcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The few stream operations a {@link TcpPeer} needs, with the kernel's conventions: byte counts, 0
 * for end of stream, {@code -errno} for failures. The engine adapts its native sockets to it; tests
 * script it in memory.
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
}
