package dev.braid.agent.openvpn.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.openvpn.push.AddressPool;
import dev.braid.agent.openvpn.testing.TestPki;
import dev.braid.agent.openvpn.tls.TlsServerContext;
import dev.braid.agent.openvpn.tlswrap.KeyDirection;
import dev.braid.agent.openvpn.tlswrap.ResetCookie;
import dev.braid.agent.openvpn.tlswrap.ResetRateLimiter;
import dev.braid.agent.openvpn.tlswrap.StaticKey;
import dev.braid.agent.openvpn.tlswrap.TlsCrypt;
import dev.braid.agent.openvpn.wire.DropReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server table whose settings are swapped while clients are connected, in memory and simulated
 * time: what new sessions, established sessions and revoked clients each get.
 */
class LiveConfigTest {
  private static final long MS = 1_000_000L;
  private static final byte[] IP = {0x45, 0, 0, 20, 1, 2, 3, 4};

  private TestPki pki;
  private TestPki.Issued server;
  private final Map<String, TestPki.Issued> certs = new LinkedHashMap<>();
  private StaticKey key1;
  private StaticKey key2;

  @BeforeEach
  void pki() throws Exception {
    pki = new TestPki();
    server = pki.server("braid-server");
    for (String cn : List.of("alice", "bob", "carol")) {
      certs.put(cn, pki.client(cn));
    }
    key1 = key(1);
    key2 = key(2);
  }

  @Test
  void newCrlSendsTheRevokedClientAwayWhileOthersKeepTheirKeysAndNewSessionsGetNewRoutes()
      throws Exception {
    Net net = new Net(config(key1, "", "route 10.96.0.0 255.240.0.0"));
    MiniClient alice = net.connect("alice", key1, "198.51.100.1:1000");
    MiniClient bob = net.connect("bob", key1, "198.51.100.2:1000");
    assertThat(alice.pushReply).contains("route 10.96.0.0 255.240.0.0");
    var aliceKey = alice.data;

    net.live.set(
        config(
            key1,
            pki.crlPem(certs.get("bob").certificate()),
            "route 10.96.0.0 255.240.0.0",
            "route 10.100.0.0 255.255.0.0"));
    net.server.refresh(net.now, net.out);
    net.deliver();
    assertThat(bob.messages).containsExactly("AUTH_FAILED,client certificate revoked");
    net.sendData("198.51.100.2:1000", bob, IP); // tunnel traffic stops at once
    assertThat(net.out.drops()).containsEntry(DropReason.SESSION_CLOSING, 1L);
    net.runUntil(() -> net.closed("CN=bob") != null);
    assertThat(net.closed("CN=bob").reason())
        .startsWith("client certificate revoked (CN=bob, serial ")
        .endsWith("sent AUTH_FAILED,client certificate revoked");
    assertThat(net.server.revokedSessions()).isEqualTo(1);
    assertThat(net.server.size()).isEqualTo(1);

    // alice: same session, same data keys, tunnel traffic flows
    assertThat(alice.data).isSameAs(aliceKey);
    assertThat(net.sendData("198.51.100.1:1000", alice, IP))
        .isInstanceOf(SessionEvent.TunPacket.class);
    assertThat(alice.messages).isEmpty();

    // a new session gets the new routes
    MiniClient carol = net.connect("carol", key1, "198.51.100.3:1000");
    assertThat(carol.pushReply).contains("route 10.100.0.0 255.255.0.0");

    // bob cannot come back: the new CRL refuses his handshake
    int before = net.events.size();
    MiniClient bobAgain = net.start("bob", key1, "198.51.100.2:2000");
    net.runUntil(() -> net.closedSince(before, "TLS error") != null);
    assertThat(net.closedSince(before, "TLS error").reason()).containsIgnoringCase("revoked");
    assertThat(bobAgain.connected()).isFalse();

    // alice renegotiates under the new TLS context and keeps going
    alice.softReset();
    net.runUntil(() -> alice.data != aliceKey);
    assertThat(net.sendData("198.51.100.1:1000", alice, IP))
        .isInstanceOf(SessionEvent.TunPacket.class);
  }

  @Test
  void clientWhoseHandshakeStartedBeforeTheCrlIsSentAwayOnceEstablished() throws Exception {
    Net net = new Net(config(key1, "", "route 10.96.0.0 255.240.0.0"));
    MiniClient bob = net.start("bob", key1, "198.51.100.2:1000");
    net.runUntil(() -> net.server.size() == 1); // session exists, TLS under way with the old CRL
    net.live.set(
        config(key1, pki.crlPem(certs.get("bob").certificate()), "route 10.1.0.0 255.255.0.0"));
    net.runUntil(() -> net.closed("CN=bob") != null);
    assertThat(bob.messages).containsExactly("AUTH_FAILED,client certificate revoked");
  }

  @Test
  void newControlChannelKeyIsForNewSessionsWhileEstablishedOnesKeepTheirs() throws Exception {
    Net net = new Net(config(key1, "", "route 10.96.0.0 255.240.0.0"));
    MiniClient alice = net.connect("alice", key1, "198.51.100.1:1000");
    var aliceKey = alice.data;

    net.live.set(config(key2, "", "route 10.96.0.0 255.240.0.0"));
    // alice renegotiates under the key her client has
    alice.softReset();
    net.runUntil(() -> alice.data != aliceKey);
    assertThat(net.sendData("198.51.100.1:1000", alice, IP))
        .isInstanceOf(SessionEvent.TunPacket.class);

    // a client with the new key connects; one with the old key and no session is refused
    MiniClient carol = net.connect("carol", key2, "198.51.100.3:1000");
    assertThat(carol.connected()).isTrue();
    MiniClient stale = net.start("bob", key1, "198.51.100.2:1000");
    for (byte[] d : stale.poll(net.now)) {
      net.server.receive(d, 0, d.length, "198.51.100.2:1000", net.now, net.out);
    }
    assertThat(net.out.drops()).containsEntry(DropReason.RETIRED_CONTROL_KEY, 1L);
    net.deliver();
    assertThat(stale.connected()).isFalse();
  }

  @Test
  void withoutARevokingCrlNoSessionIsTouched() throws Exception {
    Net net = new Net(config(key1, "", "route 10.96.0.0 255.240.0.0"));
    MiniClient bob = net.connect("bob", key1, "198.51.100.2:1000");
    net.live.set(config(key1, pki.crlPem(), "route 10.96.0.0 255.240.0.0")); // empty CRL
    net.server.refresh(net.now, net.out);
    net.deliver();
    assertThat(bob.messages).isEmpty();
    assertThat(net.server.revokedSessions()).isZero();
    assertThat(net.sendData("198.51.100.2:1000", bob, IP))
        .isInstanceOf(SessionEvent.TunPacket.class);
  }

  private ServerConfig config(StaticKey key, String crlPem, String... push) throws Exception {
    TlsServerContext tls =
        TlsServerContext.fromPem(server.certPem(), server.keyPem(), pki.ca().certPem(), crlPem);
    return ServerConfig.builder(new TlsCrypt(key, KeyDirection.NORMAL), tls)
        .extraPush(List.of(push))
        .build();
  }

  private static StaticKey key(int seed) {
    byte[] k = new byte[StaticKey.SIZE];
    new Random(seed).nextBytes(k);
    return new StaticKey(k);
  }

  /** One server table and in-memory clients on lossless paths, in simulated time. */
  private final class Net {
    final AtomicReference<ServerConfig> live;
    final ServerSessions<String> server;
    final Map<String, MiniClient> clients = new LinkedHashMap<>();
    final Output<String> out = new Output<>();
    final List<SessionEvent> events = new ArrayList<>();
    long now;

    Net(ServerConfig initial) {
      live = new AtomicReference<>(initial);
      server =
          new ServerSessions<>(
              live::get,
              new ResetCookie(new byte[32], 30_000 * MS),
              new ResetRateLimiter(100, 10),
              new AddressPool("10.8.0.0/24"),
              p -> p.getBytes(StandardCharsets.US_ASCII),
              ServerSessions.PeerIds.sequential());
    }

    MiniClient start(String cn, StaticKey key, String path) throws Exception {
      SSLContext ctx = pki.clientContext(certs.get(cn));
      Supplier<SSLEngine> engines =
          () -> {
            SSLEngine e = ctx.createSSLEngine();
            e.setUseClientMode(true);
            return e;
          };
      MiniClient c = new MiniClient(new TlsCrypt(key, KeyDirection.INVERSE), engines, true);
      clients.put(path, c);
      c.start();
      return c;
    }

    MiniClient connect(String cn, StaticKey key, String path) throws Exception {
      MiniClient c = start(cn, key, path);
      runUntil(c::connected);
      return c;
    }

    /** Sends an IP packet from {@code c}; returns the server's last event after it. */
    SessionEvent sendData(String path, MiniClient c, byte[] ip) {
      byte[] d = c.data.seal(ip);
      int before = events.size();
      server.receive(d, 0, d.length, path, now, out);
      deliver();
      return events.size() > before ? events.getLast() : null;
    }

    void deliver() {
      List<Output.Datagram<String>> sent = new ArrayList<>(out.datagrams());
      events.addAll(out.events());
      out.clear();
      for (Output.Datagram<String> d : sent) {
        MiniClient c = clients.get(d.path());
        if (c != null) {
          c.receive(d.bytes(), now);
        }
      }
    }

    SessionEvent.Closed closed(String text) {
      return closedSince(0, text);
    }

    SessionEvent.Closed closedSince(int from, String text) {
      for (SessionEvent e : events.subList(from, events.size())) {
        if (e instanceof SessionEvent.Closed c && c.reason().contains(text)) {
          return c;
        }
      }
      return null;
    }

    void runUntil(BooleanSupplier done) {
      long limit = now + 30_000 * MS;
      while (!done.getAsBoolean()) {
        boolean sent = false;
        for (Map.Entry<String, MiniClient> e : clients.entrySet()) {
          for (byte[] d : e.getValue().poll(now)) {
            server.receive(d, 0, d.length, e.getKey(), now, out);
            sent = true;
          }
        }
        server.poll(now, out);
        sent |= !out.datagrams().isEmpty();
        deliver();
        if (!sent) {
          long next = server.nextWakeupNanos();
          for (MiniClient c : clients.values()) {
            next = Math.min(next, c.nextWakeupNanos());
          }
          if (next > limit) {
            throw new AssertionError("stuck at " + now / MS + " ms; drops " + out.drops());
          }
          now = Math.max(now + 1, next);
        }
      }
    }
  }
}
