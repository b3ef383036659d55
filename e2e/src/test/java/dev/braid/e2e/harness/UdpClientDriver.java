package dev.braid.e2e.harness;

import dev.braid.agent.openvpn.client.ClientConfig;
import dev.braid.agent.openvpn.client.ClientEvent;
import dev.braid.agent.openvpn.client.ClientOutput;
import dev.braid.agent.openvpn.client.ClientSession;
import dev.braid.agent.testing.NetNs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Braid's sans-I/O {@link ClientSession} over a real UDP socket opened in a network namespace: the
 * smallest loop that drives it (poll timers, send what it produced, read datagrams), for
 * interoperability tests against stock OpenVPN servers. Test code, single-threaded.
 */
public final class UdpClientDriver implements AutoCloseable {
  private final DatagramChannel channel;
  private final Selector selector;
  private final InetSocketAddress server;
  private final ClientSession<InetSocketAddress> session;
  private final ClientOutput<InetSocketAddress> out = new ClientOutput<>();
  private final List<ClientEvent<InetSocketAddress>> events = new ArrayList<>();
  private final ByteBuffer buffer = ByteBuffer.allocate(65536);

  private UdpClientDriver(DatagramChannel channel, InetSocketAddress server, ClientConfig config)
      throws IOException {
    this.channel = channel;
    this.server = server;
    this.selector = Selector.open();
    channel.configureBlocking(false);
    channel.register(selector, SelectionKey.OP_READ);
    this.session =
        new ClientSession<>(config, server, System.nanoTime(), System.currentTimeMillis() / 1000);
  }

  /**
   * Opens a UDP socket bound to {@code local} inside {@code ns} and a session to {@code server}.
   */
  public static UdpClientDriver open(
      NetNs ns, InetSocketAddress local, InetSocketAddress server, ClientConfig config)
      throws Exception {
    DatagramChannel ch =
        ns.call(
            () -> {
              DatagramChannel c = DatagramChannel.open();
              c.bind(local);
              return c;
            });
    return new UdpClientDriver(ch, server, config);
  }

  public ClientSession<InetSocketAddress> session() {
    return session;
  }

  /** Every event so far. */
  public List<ClientEvent<InetSocketAddress>> events() {
    return events;
  }

  /** Drops counted by the session so far. */
  public String drops() {
    return out.drops().toString();
  }

  /** Seals {@code ipPacket} for the server and sends it; false before the data channel is up. */
  public boolean sendTun(byte[] ipPacket) throws IOException {
    boolean sent = session.sendTunPacket(ipPacket, System.nanoTime(), out);
    flush();
    return sent;
  }

  /** Ends the session the way the caller's shutdown would (explicit-exit-notify if configured). */
  public void closeSession() throws IOException {
    session.close(System.nanoTime(), out);
    flush();
  }

  /** Drives the session until {@code done} holds or {@code timeout} passes; true if done. */
  public boolean runUntil(Predicate<UdpClientDriver> done, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(this)) {
      long now = System.nanoTime();
      if (now >= deadline) {
        return false;
      }
      session.poll(now, out);
      flush();
      if (done.test(this)) {
        return true;
      }
      long wake = Math.min(session.nextWakeupNanos(), deadline);
      long waitMillis = Math.clamp((wake - System.nanoTime()) / 1_000_000, 1, 50);
      selector.select(waitMillis);
      selector.selectedKeys().clear();
      SocketAddress from;
      while ((from = receive()) != null) {
        byte[] d = new byte[buffer.remaining()];
        buffer.get(d);
        session.receive(d, 0, d.length, (InetSocketAddress) from, System.nanoTime(), out);
        flush();
      }
    }
    return true;
  }

  private SocketAddress receive() throws IOException {
    buffer.clear();
    SocketAddress from = channel.receive(buffer);
    buffer.flip();
    return from;
  }

  private void flush() throws IOException {
    for (ClientOutput.Datagram<InetSocketAddress> d : out.datagrams()) {
      channel.send(ByteBuffer.wrap(d.bytes()), d.path());
    }
    events.addAll(out.events());
    out.clear();
  }

  /** The events of one type, in order. */
  public <E> List<E> events(Class<E> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Override
  public void close() throws IOException {
    selector.close();
    channel.close();
  }

  @Override
  public String toString() {
    return "UdpClientDriver[" + channel + " -> " + server + "]";
  }
}
