package dev.braid.agent.engine;

import dev.braid.agent.nativeio.NativeIoException;
import dev.braid.agent.nativeio.TcpSocket;
import dev.braid.agent.transport.tcp.StreamEndpoint;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** A native TCP or MPTCP socket as the stream the transport's peer logic reads and writes. */
public final class TcpSocketStream implements StreamEndpoint {
  private final TcpSocket socket;

  public TcpSocketStream(TcpSocket socket) {
    this.socket = socket;
  }

  @Override
  public int read(ByteBuffer dst) {
    return socket.read(dst);
  }

  @Override
  public int write(ByteBuffer src) {
    return socket.write(src);
  }

  @Override
  public void shutdownOutput() throws NativeIoException {
    socket.shutdownOutput();
  }

  @Override
  public void close() throws NativeIoException {
    socket.close();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return socket.remoteAddress();
  }

  @Override
  public boolean isMptcp() {
    return socket.isMptcp();
  }
}
