package dev.braid.agent.openvpn.interop;

import dev.braid.agent.openvpn.push.AddressPool;
import dev.braid.agent.openvpn.session.Output;
import dev.braid.agent.openvpn.session.ServerConfig;
import dev.braid.agent.openvpn.session.ServerSessions;
import dev.braid.agent.openvpn.session.Session;
import dev.braid.agent.openvpn.session.SessionEvent;
import dev.braid.agent.openvpn.tls.TlsServerContext;
import dev.braid.agent.openvpn.tlswrap.KeyDirection;
import dev.braid.agent.openvpn.tlswrap.ResetCookie;
import dev.braid.agent.openvpn.tlswrap.ResetRateLimiter;
import dev.braid.agent.openvpn.tlswrap.StaticKey;
import dev.braid.agent.openvpn.tlswrap.TlsCrypt;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Test-only UDP server: Braid's server sessions on a plain JDK {@link DatagramChannel} (no FFM, no
 * TUN). Started by the interop IT inside a network namespace as a separate JVM; prints one line per
 * event to stdout ("ESTABLISHED addr", "DATA n", "TUN len", "CLOSED reason"). Args: bind-ip port
 * pki-dir.
 */
public final class UdpServerLoop {
  private UdpServerLoop() {}

  public static void main(String[] args) throws Exception {
    InetSocketAddress bind = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    Path dir = Path.of(args[2]);
    TlsServerContext tls =
        TlsServerContext.fromPem(
            Files.readString(dir.resolve("server.crt")),
            Files.readString(dir.resolve("server.key")),
            Files.readString(dir.resolve("ca.crt")),
            "");
    ServerConfig config =
        ServerConfig.defaults(
                new TlsCrypt(
                    StaticKey.parse(Files.readString(dir.resolve("tc.key"))), KeyDirection.NORMAL),
                tls)
            .withPing(Duration.ofSeconds(2));
    ServerSessions<InetSocketAddress> sessions =
        new ServerSessions<>(
            config,
            ResetCookie.random(new SecureRandom(), Duration.ofSeconds(30).toNanos()),
            new ResetRateLimiter(50, 20),
            new AddressPool("10.8.0.0/24"),
            a -> {
              byte[] ip = a.getAddress().getAddress();
              byte[] out = new byte[ip.length + 2];
              System.arraycopy(ip, 0, out, 0, ip.length);
              out[ip.length] = (byte) (a.getPort() >>> 8);
              out[ip.length + 1] = (byte) a.getPort();
              return out;
            });
    Output<InetSocketAddress> out = new Output<>();
    Set<Integer> dataReported = new HashSet<>();
    try (DatagramChannel ch = DatagramChannel.open();
        Selector sel = Selector.open()) {
      ch.bind(bind).configureBlocking(false).register(sel, SelectionKey.OP_READ);
      System.out.println("LISTENING " + bind);
      ByteBuffer buf = ByteBuffer.allocate(65536);
      while (true) {
        long wake = sessions.nextWakeupNanos();
        long waitMs =
            wake == Long.MAX_VALUE ? 1000 : Math.max(1, (wake - System.nanoTime()) / 1_000_000);
        sel.select(Math.min(waitMs, 1000));
        sel.selectedKeys().clear();
        InetSocketAddress from;
        while ((from = (InetSocketAddress) ch.receive(buf.clear())) != null) {
          buf.flip();
          sessions.receive(buf.array(), 0, buf.limit(), from, System.nanoTime(), out);
        }
        sessions.poll(System.nanoTime(), out);
        for (Output.Datagram<InetSocketAddress> d : out.datagrams()) {
          ch.send(ByteBuffer.wrap(d.bytes()), d.path());
        }
        for (SessionEvent e : out.events()) {
          switch (e) {
            case SessionEvent.Established est ->
                System.out.println("ESTABLISHED " + est.clientAddress());
            case SessionEvent.TunPacket t -> System.out.println("TUN " + t.packet().length);
            case SessionEvent.Closed c -> System.out.println("CLOSED " + c.reason());
          }
        }
        out.clear();
        for (int peer = 0; peer < 256; peer++) {
          Session<InetSocketAddress> s = sessions.byPeerId(peer);
          if (s != null && s.authenticatedDataPackets() > 0 && dataReported.add(peer)) {
            System.out.println("DATA " + peer);
          }
        }
        if (!out.drops().isEmpty() && Boolean.getBoolean("braid.printDrops")) {
          System.out.println("DROPS " + out.drops());
        }
      }
    }
  }
}
