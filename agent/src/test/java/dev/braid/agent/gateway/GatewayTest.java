package dev.braid.agent.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.engine.EmbeddedLoops;
import dev.braid.agent.engine.LoopDrop;
import dev.braid.agent.engine.Path;
import dev.braid.agent.engine.TcpPath;
import dev.braid.agent.engine.UdpPath;
import dev.braid.agent.multipath.PathSpec;
import dev.braid.agent.openvpn.client.ClientConfig;
import dev.braid.agent.openvpn.client.ClientEvent;
import dev.braid.agent.openvpn.client.ClientOutput;
import dev.braid.agent.openvpn.client.ClientSession;
import dev.braid.agent.openvpn.push.AddressPool;
import dev.braid.agent.openvpn.session.MiniClient;
import dev.braid.agent.openvpn.session.ServerConfig;
import dev.braid.agent.openvpn.testing.TestPki;
import dev.braid.agent.openvpn.tls.TlsServerContext;
import dev.braid.agent.openvpn.tlswrap.KeyDirection;
import dev.braid.agent.openvpn.tlswrap.StaticKey;
import dev.braid.agent.openvpn.tlswrap.TlsCrypt;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway glue (Gateway, LoopGateway, SessionLedger, DuplicateClients, hand-offs) on loops in
 * memory: stock-like clients handshake over UDP and TCP paths, tunnel packets go to TUN and back
 * across loops, a reconnecting client replaces its older session.
 */
class GatewayTest {
  private static final int PORT = 1194;
  private static TlsServerContext tls;
  private static StaticKey tlsCryptKey;
  private static Supplier<SSLEngine> alice;
  private static Supplier<SSLEngine> bob;

  @BeforeAll
  static void pki() throws Exception {
    TestPki pki = new TestPki();
    TestPki.Issued s = pki.server("braid-server");
    tls = TlsServerContext.fromPem(s.certPem(), s.keyPem(), pki.ca().certPem(), "");
    alice = engines(pki.clientContext(pki.client("alice")));
    bob = engines(pki.clientContext(pki.client("bob")));
    byte[] k = new byte[StaticKey.SIZE];
    new Random(7).nextBytes(k);
    tlsCryptKey = new StaticKey(k);
  }

  private static Supplier<SSLEngine> engines(SSLContext ctx) {
    return () -> {
      SSLEngine e = ctx.createSSLEngine();
      e.setUseClientMode(true);
      return e;
    };
  }

  private static Gateway gateway(int workers, boolean tcp) {
    return new Gateway(
        ServerConfig.defaults(new TlsCrypt(tlsCryptKey, KeyDirection.NORMAL), tls)
            .withClientReceiveBuffer(1 << 20),
        new AddressPool("10.8.0.0/24"),
        workers,
        tcp);
  }

  private static EmbeddedLoops loops(Gateway gateway, int workers, boolean tcp) {
    EmbeddedLoops loops = new EmbeddedLoops(workers, tcp, PORT, gateway);
    gateway.attach(loops);
    return loops;
  }

  /** A client on one path, its packets received by one loop (as steering would have it). */
  private static final class Client {
    final MiniClient openvpn;
    final EmbeddedLoops loops;
    final int loop;
    final Path path;

    Client(Supplier<SSLEngine> identity, EmbeddedLoops loops, int loop, Path path) {
      this.openvpn =
          new MiniClient(new TlsCrypt(tlsCryptKey, KeyDirection.INVERSE), identity, true);
      this.loops = loops;
      this.loop = loop;
      this.path = path;
    }

    /** Handshakes until the client has its PUSH_REPLY and data keys. */
    Client connect() throws InterruptedException {
      openvpn.start();
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!openvpn.connected()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no handshake in 20 s");
        }
        List<byte[]> out = openvpn.poll(System.nanoTime());
        out.forEach(d -> loops.receive(loop, path, d));
        loops.tick();
        if (out.isEmpty() && deliverSent() == 0) {
          Thread.sleep(1);
        }
      }
      return this;
    }

    /**
     * Hands the client what the loops sent to its path (what went to other paths is lost); returns
     * how many packets.
     */
    int deliverSent() {
      int n = 0;
      for (EmbeddedLoops.Sent s : loops.takeSent()) {
        if (s.path().equals(path)) {
          openvpn.receive(s.bytes(), System.nanoTime());
          n++;
        }
      }
      return n;
    }

    void sendIp(byte[] ip) {
      loops.receive(loop, path, openvpn.data.seal(ip));
    }
  }

  private static UdpPath udp(String remote, int port) throws Exception {
    return new UdpPath(
        new InetSocketAddress(InetAddress.getByName(remote), port),
        InetAddress.getByName("10.78.0.1"),
        2);
  }

  private static TcpPath tcp(long id, String remote) throws Exception {
    return new TcpPath(
        id,
        new InetSocketAddress(InetAddress.getByName(remote), 40000 + (int) id),
        new InetSocketAddress(InetAddress.getByName("10.78.0.1"), PORT));
  }

  /** A 20-byte IPv4 header from 10.1.0.9 to {@code destination}. */
  private static byte[] ipv4To(String destination) throws Exception {
    byte[] ip = new byte[20];
    ip[0] = 0x45;
    ip[3] = 20;
    ip[9] = 17;
    System.arraycopy(InetAddress.getByName("10.1.0.9").getAddress(), 0, ip, 12, 4);
    System.arraycopy(InetAddress.getByName(destination).getAddress(), 0, ip, 16, 4);
    return ip;
  }

  @Test
  void udpClientReachesTunAndPacketsReadOnAnotherWorkerAreHandedToItsOwner() throws Exception {
    Gateway gateway = gateway(2, false);
    EmbeddedLoops loops = loops(gateway, 2, false);
    Client c = new Client(alice, loops, 0, udp("198.51.100.7", 40000)).connect();

    assertThat(c.openvpn.option("ifconfig")).startsWith("10.8.0.2 ");
    assertThat(c.openvpn.pushReply).contains("peer-id 0", "rcvbuf 1048576");
    byte[] up = ipv4To("10.1.0.9");
    c.sendIp(up);
    assertThat(loops.takeTun(0)).singleElement().isEqualTo(up);

    // Worker 1 reads the reply from TUN; worker 0 owns the session and encrypts it.
    byte[] down = ipv4To("10.8.0.2");
    loops.readTun(1, down);
    assertThat(loops.takeSent())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.loop()).isZero();
              c.openvpn.receive(s.bytes(), System.nanoTime());
            });
    assertThat(c.openvpn.received).singleElement().isEqualTo(down);

    loops.readTun(1, ipv4To("10.8.0.77"));
    assertThat(loops.counters(1).drops(LoopDrop.NO_ROUTE)).isEqualTo(1);
    republish(loops);
    assertThat(gateway.handshakes()).isEqualTo(1);
    assertThat(gateway.sessions())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.commonName()).isEqualTo("alice");
              assertThat(v.transport()).isEqualTo("UDP");
              assertThat(v.paths())
                  .containsExactly(new PathView("198.51.100.7:40000", "10.78.0.1:1194"));
            });
  }

  @Test
  void tcpClientIsServedByTheTcpLoopWithoutAPushedReceiveBuffer() throws Exception {
    Gateway gateway = gateway(2, true);
    EmbeddedLoops loops = loops(gateway, 2, true);
    TcpPath path = loops.connect(tcp(1, "198.51.100.8"));
    Client c = new Client(bob, loops, 2, path).connect();

    assertThat(c.openvpn.pushReply).doesNotContain("rcvbuf");
    byte[] up = ipv4To("10.1.0.9");
    c.sendIp(up);
    assertThat(loops.takeTun(2)).singleElement().isEqualTo(up);

    byte[] down = ipv4To(c.openvpn.option("ifconfig").split(" ")[0]);
    loops.readTun(0, down);
    assertThat(loops.takeSent())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.loop()).isEqualTo(2);
              assertThat(s.path()).isEqualTo(path);
              c.openvpn.receive(s.bytes(), System.nanoTime());
            });
    assertThat(c.openvpn.received).singleElement().isEqualTo(down);
    republish(loops);
    assertThat(gateway.sessions())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.owner()).isEqualTo(2);
              assertThat(v.transport()).isEqualTo("TCP");
              assertThat(v.paths())
                  .containsExactly(new PathView("198.51.100.8:40001", "10.78.0.1:1194"));
            });
  }

  @Test
  void aReconnectingClientReplacesItsOlderSessionOnAnotherLoop() throws Exception {
    Gateway gateway = gateway(2, true);
    EmbeddedLoops loops = loops(gateway, 2, true);
    Client first = new Client(alice, loops, 1, udp("198.51.100.7", 40000)).connect();
    String firstAddress = first.openvpn.option("ifconfig").split(" ")[0];
    loops.readTun(0, ipv4To(firstAddress));
    assertThat(loops.takeSent()).singleElement().satisfies(s -> assertThat(s.loop()).isEqualTo(1));

    Client second = new Client(alice, loops, 2, loops.connect(tcp(5, "198.51.100.9"))).connect();

    // The older session's loop closed it on its own thread: its address no longer routes.
    loops.readTun(0, ipv4To(firstAddress));
    assertThat(loops.takeSent()).isEmpty();
    assertThat(loops.counters(0).drops(LoopDrop.NO_ROUTE)).isEqualTo(1);
    loops.readTun(0, ipv4To(second.openvpn.option("ifconfig").split(" ")[0]));
    assertThat(loops.takeSent()).singleElement().satisfies(s -> assertThat(s.loop()).isEqualTo(2));
    republish(loops);
    assertThat(gateway.sessions())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.commonName()).isEqualTo("alice");
              assertThat(v.transport()).isEqualTo("TCP");
            });
  }

  @Test
  void withDuplicateCommonNamesAllowedBothSessionsStay() throws Exception {
    Gateway gateway = gateway(2, false);
    gateway.allowDuplicateCommonNames(true);
    EmbeddedLoops loops = loops(gateway, 2, false);
    Client first = new Client(alice, loops, 0, udp("198.51.100.7", 40000)).connect();
    Client second = new Client(alice, loops, 1, udp("198.51.100.9", 40000)).connect();

    loops.readTun(1, ipv4To(first.openvpn.option("ifconfig").split(" ")[0]));
    loops.readTun(0, ipv4To(second.openvpn.option("ifconfig").split(" ")[0]));
    assertThat(loops.takeSent())
        .extracting(EmbeddedLoops.Sent::loop)
        .containsExactlyInAnyOrder(0, 1);
    republish(loops);
    assertThat(gateway.sessions()).hasSize(2).allMatch(v -> v.commonName().equals("alice"));
  }

  /** A Braid site on two uplinks (two source addresses) bonded to the gateway's worker 0. */
  private static final class Site {
    final ClientSession<Path> session;
    final ClientOutput<Path> out = new ClientOutput<>();
    final EmbeddedLoops loops;
    final List<byte[]> received = new ArrayList<>();

    Site(EmbeddedLoops loops, Path a, Path b) {
      this.loops = loops;
      ClientConfig config =
          ClientConfig.builder(new TlsCrypt(tlsCryptKey, KeyDirection.INVERSE), alice)
              .multipath(true)
              .build();
      session =
          new ClientSession<>(config, a, System.nanoTime(), System.currentTimeMillis() / 1000);
      session.addPath(a, PathSpec.uplink("wifi", 0, 1, false), System.nanoTime());
      session.addPath(b, PathSpec.uplink("lte", 1, 1, false), System.nanoTime());
    }

    /** Runs both sides for {@code millis} of real time (or until connected, if asked). */
    void run(long millis, boolean untilConnected) throws InterruptedException {
      long end = System.nanoTime() + millis * 1_000_000;
      while (System.nanoTime() < end && !(untilConnected && session.isConnected())) {
        session.poll(System.nanoTime(), out); // the first sends the reset
        for (ClientOutput.Datagram<Path> d : out.datagrams()) {
          loops.receive(0, d.path(), d.bytes());
        }
        for (ClientEvent<Path> e : out.events()) {
          if (e instanceof ClientEvent.TunPacket<Path> t) {
            received.add(t.packet());
          }
        }
        out.clear();
        loops.tick();
        for (EmbeddedLoops.Sent s : loops.takeSent()) {
          session.receive(s.bytes(), 0, s.bytes().length, s.path(), System.nanoTime(), out);
        }
        Thread.sleep(1);
      }
    }
  }

  @Test
  void aMultipathSiteIsProbedAndServedOverBothOfItsPathsAndStatusShowsThem() throws Exception {
    Gateway gateway = gateway(1, false);
    EmbeddedLoops loops = loops(gateway, 1, false);
    UdpPath a = udp("198.51.100.7", 40000);
    UdpPath b = udp("203.0.113.9", 40001);
    Site site = new Site(loops, a, b);
    site.run(20_000, true);
    assertThat(site.session.isConnected())
        .as("site connected: %s, drops %s", site.session.closeReason(), site.out.drops())
        .isTrue();
    assertThat(site.session.multipath()).isTrue();
    site.run(600, false); // both paths probed and up at both ends

    String tunnel = site.session.pushedOptions().ifconfig().orElseThrow().address();
    for (int i = 0; i < 200; i++) {
      loops.readTun(0, ipv4To(tunnel));
    }
    List<EmbeddedLoops.Sent> sent = loops.takeSent();
    assertThat(sent).extracting(EmbeddedLoops.Sent::path).contains(a, b);
    sent.forEach(
        s ->
            site.session.receive(
                s.bytes(), 0, s.bytes().length, s.path(), System.nanoTime(), site.out));
    site.run(50, false);
    assertThat(site.received).hasSize(200);

    site.run(1100, false); // the loop publishes once a second; probes keep both paths up
    SessionView v = gateway.sessions().getFirst();
    assertThat(v.multipath()).isNotNull();
    assertThat(v.multipath().paths().values())
        .containsExactlyInAnyOrder(
            new PathView("198.51.100.7:40000", "10.78.0.1:1194"),
            new PathView("203.0.113.9:40001", "10.78.0.1:1194"));
    assertThat(v.multipath().link().paths())
        .extracting(dev.braid.agent.multipath.PathSnapshot::state)
        .containsOnly(dev.braid.agent.multipath.PathState.UP);
    assertThat(v.multipath().link().scheduler().packets()).isGreaterThanOrEqualTo(200);
  }

  /** Lets a second pass so that every loop publishes its sessions again (once a second). */
  private static void republish(EmbeddedLoops loops) throws InterruptedException {
    Thread.sleep(1100);
    loops.tick();
  }
}
