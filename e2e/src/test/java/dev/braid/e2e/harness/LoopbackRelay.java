package dev.braid.e2e.harness;

import dev.braid.agent.testing.NetNs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes a TCP port of the host's loopback appear on the loopback of a test namespace, at the same
 * port: a process in the namespace reaches a host service (the test API server) with the same URL
 * and TLS name as the host, as a hostNetwork pod reaches its API server. The listening socket lives
 * in the namespace; each accepted connection is joined to a fresh connection from the host.
 */
public final class LoopbackRelay implements AutoCloseable {
  private final ServerSocketChannel listener;
  private final int port;
  private final Thread acceptor;
  private final List<SocketChannel> open = new CopyOnWriteArrayList<>();

  private LoopbackRelay(ServerSocketChannel listener, int port) {
    this.listener = listener;
    this.port = port;
    // a platform thread started outside the namespace: the connections it opens are the host's
    this.acceptor = Thread.ofPlatform().name("relay-" + port).daemon().unstarted(this::accept);
  }

  /** Listens on 127.0.0.1:{@code port} inside {@code ns} and relays to the host's. */
  public static LoopbackRelay start(NetNs ns, int port) throws Exception {
    ServerSocketChannel listener =
        ns.call(
            () ->
                ServerSocketChannel.open()
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
    LoopbackRelay relay = new LoopbackRelay(listener, port);
    relay.acceptor.start();
    return relay;
  }

  private void accept() {
    while (listener.isOpen()) {
      try {
        SocketChannel inside = listener.accept();
        SocketChannel host;
        try {
          host = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
          inside.close(); // the host service is gone: the client sees the refusal as a reset
          continue;
        }
        open.add(inside);
        open.add(host);
        AtomicInteger directionsDone = new AtomicInteger();
        Thread.ofVirtual().start(() -> pump(inside, host, directionsDone));
        Thread.ofVirtual().start(() -> pump(host, inside, directionsDone));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Copies one direction; the second direction to finish closes both sockets. */
  private void pump(SocketChannel from, SocketChannel to, AtomicInteger directionsDone) {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    try {
      while (from.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          to.write(buffer);
        }
        buffer.clear();
      }
      to.shutdownOutput();
      if (directionsDone.incrementAndGet() < 2) {
        return;
      }
    } catch (IOException e) {
      // a reset on either leg ends the whole connection
    }
    closeQuietly(from);
    closeQuietly(to);
  }

  private void closeQuietly(SocketChannel c) {
    open.remove(c);
    try {
      c.close();
    } catch (IOException e) {
      // closing a relay leg that is already broken: nothing left to release
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (SocketChannel c : open) {
      closeQuietly(c);
    }
  }
}
