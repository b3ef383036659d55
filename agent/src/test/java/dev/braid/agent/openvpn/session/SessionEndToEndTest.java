package dev.braid.agent.openvpn.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.openvpn.data.DataPayload;
import dev.braid.agent.openvpn.push.AddressPool;
import dev.braid.agent.openvpn.reliable.ReliableConfig;
import dev.braid.agent.openvpn.testing.TestPki;
import dev.braid.agent.openvpn.tls.TlsServerContext;
import dev.braid.agent.openvpn.tlswrap.KeyDirection;
import dev.braid.agent.openvpn.tlswrap.ResetCookie;
import dev.braid.agent.openvpn.tlswrap.ResetRateLimiter;
import dev.braid.agent.openvpn.tlswrap.StaticKey;
import dev.braid.agent.openvpn.tlswrap.TlsCrypt;
import dev.braid.agent.openvpn.wire.ControlCodec;
import dev.braid.agent.openvpn.wire.ControlPacket;
import dev.braid.agent.openvpn.wire.DropReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Server sessions driven by an in-memory client over a simulated path, with simulated time. */
class SessionEndToEndTest {
  private static final long MS = 1_000_000L;
  private static final String PATH = "198.51.100.7:40000";
  private static TestPki pki;
  private static TlsServerContext tls;
  private static Supplier<SSLEngine> clientEngines;
  private static StaticKey tlsCryptKey;

  @BeforeAll
  static void setUp() throws Exception {
    pki = new TestPki();
    TestPki.Issued s = pki.server("braid-server");
    tls = TlsServerContext.fromPem(s.certPem(), s.keyPem(), pki.ca().certPem(), "");
    TestPki.Issued c = pki.client("alice");
    SSLContext ctx = pki.clientContext(c);
    clientEngines =
        () -> {
          SSLEngine e = ctx.createSSLEngine();
          e.setUseClientMode(true);
          return e;
        };
    byte[] k = new byte[256];
    new Random(7).nextBytes(k);
    tlsCryptKey = new StaticKey(k);
  }

  static ServerConfig serverConfig() {
    return ServerConfig.defaults(new TlsCrypt(tlsCryptKey, KeyDirection.NORMAL), tls);
  }

  /** Client, server and a lossy zero-latency path between them, in simulated time. */
  static final class Harness {
    final ServerSessions<String> server;
    final MiniClient client;
    final Output<String> out = new Output<>();
    final List<SessionEvent> events = new ArrayList<>();
    final Random random;
    final int lossPercent;
    long now;

    Harness(boolean tlsKeyExport, int lossPercent, long seed) {
      this(tlsKeyExport, lossPercent, seed, ReliableConfig.braid());
    }

    Harness(boolean tlsKeyExport, int lossPercent, long seed, ReliableConfig reliable) {
      this(
          serverConfig().withReliable(reliable),
          new AddressPool("10.8.0.0/24"),
          tlsKeyExport,
          lossPercent,
          seed);
    }

    Harness(
        ServerConfig config, AddressPool pool, boolean tlsKeyExport, int lossPercent, long seed) {
      this(
          config,
          pool,
          tlsKeyExport,
          lossPercent,
          seed,
          ReliableConfig.braid().withoutRedundancy());
    }

    Harness(
        ServerConfig config,
        AddressPool pool,
        boolean tlsKeyExport,
        int lossPercent,
        long seed,
        ReliableConfig clientReliable) {
      this.server =
          new ServerSessions<>(
              config,
              new ResetCookie(new byte[32], 30_000 * MS),
              new ResetRateLimiter(100, 10),
              pool,
              p -> p.getBytes(StandardCharsets.US_ASCII));
      this.client =
          new MiniClient(
              new TlsCrypt(tlsCryptKey, KeyDirection.INVERSE),
              clientEngines,
              tlsKeyExport,
              clientReliable);
      this.random = new Random(seed);
      this.lossPercent = lossPercent;
    }

    boolean lost() {
      return random.nextInt(100) < lossPercent;
    }

    void toServer(byte[] d) {
      if (!lost()) {
        server.receive(d, 0, d.length, PATH, now, out);
      }
      drainServer();
    }

    void drainServer() {
      List<Output.Datagram<String>> sent = new ArrayList<>(out.datagrams());
      events.addAll(out.events());
      out.clear();
      for (Output.Datagram<String> d : sent) {
        assertThat(d.path()).isEqualTo(PATH);
        if (!lost()) {
          client.receive(d.bytes(), now);
        }
      }
    }

    /** Runs until {@code done} or the time limit, advancing time to the next timer when idle. */
    void runUntil(Supplier<Boolean> done, long limitNanos) {
      while (!done.get()) {
        List<byte[]> fromClient = client.poll(now);
        fromClient.forEach(this::toServer);
        server.poll(now, out);
        boolean serverSent = !out.datagrams().isEmpty();
        drainServer();
        if (fromClient.isEmpty() && !serverSent) {
          long next = Math.min(client.nextWakeupNanos(), server.nextWakeupNanos());
          if (next == Long.MAX_VALUE || next > limitNanos) {
            throw new AssertionError("stuck at " + now / MS + " ms; drops " + out.drops());
          }
          now = Math.max(now + 1, next);
        }
      }
    }

    void connect() {
      client.start();
      runUntil(client::connected, 60_000 * MS);
    }
  }

  @Test
  void handshakePushReplyDataAndExit() {
    Harness h = new Harness(true, 0, 1);
    h.connect();

    assertThat(h.client.pushReply)
        .startsWith(
            "PUSH_REPLY,route-gateway 10.8.0.1,topology subnet,ifconfig 10.8.0.2 255.255.255.0")
        .contains("peer-id 0", "cipher AES-256-GCM", "protocol-flags cc-exit tls-ekm", "ping 10");
    assertThat(h.events).singleElement().isInstanceOf(SessionEvent.Established.class);

    byte[] ip = {0x45, 0, 0, 20, 1, 2, 3, 4};
    h.toServer(h.client.data.seal(ip));
    assertThat(h.events)
        .last()
        .isInstanceOfSatisfying(
            SessionEvent.TunPacket.class, t -> assertThat(t.packet()).isEqualTo(ip));

    Session<String> s = h.server.byPeerId(0);
    assertThat(s.sendToClient(new byte[] {9, 9}, h.now, h.out)).isTrue();
    h.drainServer();
    assertThat(h.client.received)
        .singleElement()
        .satisfies(b -> assertThat(b).containsExactly(9, 9));

    h.toServer(h.client.data.seal(DataPayload.occExit()));
    assertThat(h.events)
        .last()
        .isInstanceOfSatisfying(
            SessionEvent.Closed.class, c -> assertThat(c.reason()).contains("OCC_EXIT"));
    assertThat(h.server.size()).isZero();
  }

  @Test
  void onlyAPeerAnnouncingMultipathVersionOneIsPushedMultipath() {
    String[] announced = {"", "IV_BRAID_MP=1\n", "IV_BRAID_MP=2\n", "IV_BRAID_MP=yes\n"};
    for (int i = 0; i < announced.length; i++) {
      Harness h = new Harness(true, 0, 40 + i);
      h.client.extraPeerInfo = announced[i];
      h.connect();
      boolean multipath = i == 1;
      assertThat(h.client.pushReply.contains("braid-multipath"))
          .as("push for peer-info %s", announced[i])
          .isEqualTo(multipath);
      Session<String> s = h.server.sessions().getFirst();
      assertThat(s.multipath()).isEqualTo(multipath);
      if (multipath) {
        assertThat(h.client.pushReply).contains(",braid-multipath 1");
      }
    }
  }

  @Test
  void establishedSessionKnowsItsClientByCertificateCommonNameAndCipher() {
    Harness h = new Harness(true, 0, 11);
    h.client.start();
    h.runUntil(() -> h.server.size() > 0, 60_000 * MS);
    Session<String> s = h.server.byPeerId(0);
    assertThat(s.commonName()).as("no TLS handshake yet").isNull();
    assertThat(s.establishedWallSeconds()).isZero();

    h.runUntil(h.client::connected, 60_000 * MS);

    // the operator finds a VPNClient's session by this name
    assertThat(s.commonName()).isEqualTo("alice");
    assertThat(s.cipher()).isEqualTo("AES-256-GCM");
    assertThat(s.establishedWallSeconds()).isPositive();
  }

  @Test
  void ipv6PoolAddsIfconfigIpv6AndTheAddressIsTakenOnlyAtPushTime() {
    AddressPool pool = new AddressPool("10.8.0.0/24", "fd00:8::/64", java.util.Map.of());
    Harness h = new Harness(serverConfig(), pool, true, 0, 4);
    h.client.start();
    h.runUntil(() -> h.server.size() == 1, 10_000 * MS);
    assertThat(h.server.byPeerId(0).clientAddress()).as("no address before the push").isNull();
    h.runUntil(h.client::connected, 60_000 * MS);

    assertThat(h.client.pushReply)
        .contains("ifconfig 10.8.0.2 255.255.255.0", "ifconfig-ipv6 fd00:8::2/64 fd00:8::1");
    Session<String> s = h.server.byPeerId(0);
    assertThat(s.clientAddress6()).isEqualTo("fd00:8::2");

    h.toServer(h.client.data.seal(DataPayload.occExit()));
    assertThat(h.server.size()).isZero();
    assertThat(pool.lease("next").ipv4Text()).as("released with the session").isEqualTo("10.8.0.2");
  }

  @Test
  void clientWithAFixedAddressGetsItByTheCommonNameOfItsCertificate() {
    AddressPool pool =
        new AddressPool("10.8.0.0/24", "fd00:8::/64", java.util.Map.of("alice", "10.8.0.77"));
    Harness h = new Harness(serverConfig(), pool, true, 0, 7);
    h.connect();
    assertThat(h.client.pushReply)
        .contains("ifconfig 10.8.0.77 255.255.255.0", "ifconfig-ipv6 fd00:8::4d/64");
    assertThat(pool.lease("bob").ipv4Text()).isEqualTo("10.8.0.2");
  }

  @Test
  void aConfiguredClientReceiveBufferIsPushedAsRcvbufAndNothingOtherwise() {
    AddressPool pool = new AddressPool("10.8.0.0/24", null, java.util.Map.of());
    Harness h = new Harness(serverConfig().withClientReceiveBuffer(1 << 20), pool, true, 0, 8);
    h.connect();
    assertThat(h.client.pushReply).contains(",rcvbuf 1048576");

    Harness plain = new Harness(true, 0, 9);
    plain.connect();
    assertThat(plain.client.pushReply).doesNotContain("rcvbuf");
  }

  @Test
  void prfKeysWhenTheClientCannotExport() {
    Harness h = new Harness(false, 0, 2);
    h.connect();
    assertThat(h.client.pushReply).contains("protocol-flags cc-exit").doesNotContain("tls-ekm");
    h.toServer(h.client.data.seal(new byte[] {0x45, 7}));
    assertThat(h.events).last().isInstanceOf(SessionEvent.TunPacket.class);
  }

  @Test
  void connectsUnderThirtyPercentLossBothWays() {
    long retransmits = 0;
    for (long seed = 10; seed < 20; seed++) {
      Harness h = new Harness(true, 30, seed);
      h.connect();
      assertThat(h.events).as("seed %d", seed).anyMatch(e -> e instanceof SessionEvent.Established);
      retransmits += h.server.controlCounters().retransmits();
    }
    assertThat(retransmits).as("the table counts its sessions' resends, for status").isPositive();
  }

  @Test
  void aLosslessHandshakeResendsNothing() {
    Harness h = new Harness(true, 0, 1);
    h.connect();
    assertThat(h.server.controlCounters().retransmits()).isZero();
    assertThat(h.server.controlCounters().sentNew()).isPositive();
  }

  @Test
  void renegotiationInstallsNewKeyAndKeepsTheOldOneForTheTransitionWindow() {
    Harness h = new Harness(true, 0, 3);
    h.connect();
    var oldKey = h.client.data;
    h.client.softReset();
    h.runUntil(() -> h.client.data != oldKey, h.now + 60_000 * MS);

    h.toServer(h.client.data.seal(new byte[] {0x45, 1}));
    assertThat(h.events).last().isInstanceOf(SessionEvent.TunPacket.class);
    h.toServer(oldKey.seal(new byte[] {0x45, 0}));
    assertThat(h.events)
        .last()
        .isInstanceOfSatisfying(
            SessionEvent.TunPacket.class, t -> assertThat(t.packet()).containsExactly(0x45, 0));

    h.now += 61_000 * MS;
    h.toServer(h.client.data.seal(DataPayload.PING_MAGIC)); // keep the session alive
    h.server.poll(h.now, h.out);
    long before = h.out.drops().getOrDefault(DropReason.UNKNOWN_KEY_ID, 0L);
    h.toServer(oldKey.seal(new byte[] {0x45, 0}));
    assertThat(h.out.drops().get(DropReason.UNKNOWN_KEY_ID)).isEqualTo(before + 1);
  }

  @Test
  void serverRenegotiatesWhenTheKeyIsOldAndKeepsTheOldKeyThroughTheTransitionWindow() {
    Harness h =
        new Harness(
            serverConfig().withRenegotiate(java.time.Duration.ofSeconds(6)),
            new AddressPool("10.8.0.0/24"),
            true,
            0,
            5);
    h.connect();
    long agreedAt = h.now;
    Session<String> s = h.server.byPeerId(0);
    var firstKey = h.client.data;
    h.runUntil(() -> h.client.data != firstKey, h.now + 20_000 * MS);

    assertThat(h.now - agreedAt)
        .as("90-100%% of 6 s, then the exchange")
        .isBetween(5_400 * MS, 8_000 * MS);
    assertThat(s.serverRenegotiations()).isEqualTo(1);
    assertThat(h.events)
        .anySatisfy(e -> assertThat(e).isEqualTo(new SessionEvent.Renegotiated(s, 1, true)));
    h.toServer(h.client.data.seal(new byte[] {0x45, 1}));
    assertThat(h.events).last().isInstanceOf(SessionEvent.TunPacket.class);
    h.toServer(firstKey.seal(new byte[] {0x45, 0}));
    assertThat(h.events)
        .as("the old key still decrypts in the transition window")
        .last()
        .isInstanceOfSatisfying(
            SessionEvent.TunPacket.class, t -> assertThat(t.packet()).containsExactly(0x45, 0));
    assertThat(s.sendToClient(new byte[] {7}, h.now, h.out)).isTrue();
    h.drainServer();
    assertThat(h.client.received).as("sent with the new key").last().isEqualTo(new byte[] {7});

    var secondKey = h.client.data;
    h.runUntil(() -> h.client.data != secondKey, h.now + 20_000 * MS);
    assertThat(s.serverRenegotiations()).isEqualTo(2);
    assertThat(h.events).contains(new SessionEvent.Renegotiated(s, 2, true));
    assertThat(s.isEstablished()).isTrue();
  }

  @Test
  void withoutRenegotiateTheServerKeepsItsFirstKey() {
    Harness h =
        new Harness(
            serverConfig().withRenegotiate(java.time.Duration.ZERO),
            new AddressPool("10.8.0.0/24"),
            true,
            0,
            6);
    h.connect();
    var firstKey = h.client.data;
    long until = h.now + 30_000 * MS;
    h.runUntil(() -> h.now >= until, until + 20_000 * MS);
    assertThat(h.server.byPeerId(0).serverRenegotiations()).isZero();
    assertThat(h.client.data).isSameAs(firstKey);
    assertThat(h.events).noneMatch(e -> e instanceof SessionEvent.Renegotiated);
  }

  @Test
  void packetWithoutValidCookieCreatesNoSession() {
    Harness h = new Harness(true, 0, 4);
    h.client.start();
    h.client.poll(0); // the reset never reaches the server: the client does not know a cookie
    h.client.serverSid = 0x1234;
    h.client.receive(fakeServerReset(h), 0);
    h.runUntil(() -> h.out.drops().containsKey(DropReason.RESET_COOKIE_INVALID), 5_000 * MS);
    assertThat(h.server.size()).isZero();
  }

  private static byte[] fakeServerReset(Harness h) {
    var p =
        new dev.braid.agent.openvpn.wire.ControlPacket(
            dev.braid.agent.openvpn.wire.Opcode.CONTROL_HARD_RESET_SERVER_V2,
            0,
            0x1234,
            new int[] {0},
            h.client.sid,
            0,
            new byte[0]);
    return new TlsCrypt(tlsCryptKey, KeyDirection.NORMAL)
        .wrap(dev.braid.agent.openvpn.wire.ControlCodec.encode(p), 1, 1);
  }

  @Test
  void resetReplyGoesOutThreeTimesEachWithItsOwnReplayIdAndOnceWithoutRedundancy() {
    for (ReliableConfig r :
        List.of(ReliableConfig.braid(), ReliableConfig.braid().withoutRedundancy())) {
      Harness h = new Harness(true, 0, 1, r);
      h.client.start();
      byte[] reset = h.client.poll(0).getFirst();
      h.server.receive(reset, 0, reset.length, PATH, 0, h.out);
      h.server.receive(reset, 0, reset.length, PATH, 0, h.out); // the client's retransmit
      List<byte[]> replies = h.out.datagrams().stream().map(Output.Datagram::bytes).toList();
      assertThat(replies).hasSize(2 * r.ackCopies());
      assertThat(replies.stream().map(Arrays::toString).distinct()).hasSize(replies.size());
      // every copy, retransmit answers included, names the same server session (idempotent)
      assertThat(replies.stream().map(d -> decodeAsClient(d).sessionId()).distinct()).hasSize(1);
      h.drainServer();
      h.runUntil(h.client::connected, 60_000 * MS);
    }
  }

  /**
   * A session created from a cookie within the second the table started (the first client after an
   * agent start) numbered its packets 1, 2, ... in the epoch of the reset replies the client had
   * already taken, and the client dropped them as replays ("bad packet ID").
   */
  @Test
  void sessionPacketsAreNeverReplaysOfTheResetRepliesEvenWithinTheSameSecond() {
    Harness h =
        new Harness(
            serverConfig().withWallSeconds(() -> 1_795_324_873L),
            new AddressPool("10.8.0.0/24"),
            true,
            0,
            1);
    h.connect();

    assertThat(h.client.replayDrops).isZero();
  }

  /**
   * The stock client's ClientHello is lost but its separate ACK of our second reset reply arrives
   * and creates the session. The server, owed the ClientHello, nudges and the client resends it by
   * fast retransmit instead of after its 2 s timer (stock clients then double it: 4 s, 8 s...).
   */
  @Test
  void lostClientHelloIsResentOnTheServersNudgeNotTheClientsTimer() {
    Harness on = clientHelloLostAckArrives(ReliableConfig.braid());
    Harness off = clientHelloLostAckArrives(ReliableConfig.braid().withoutNudges());
    System.out.printf(
        "ClientHello lost: connected at %d ms with nudges, %d ms without%n",
        on.now / MS, off.now / MS);
    assertThat(on.client.reliable().sender().counters().resentTimeout()).isZero();
    assertThat(on.client.reliable().sender().counters().resentFast()).isPositive();
    assertThat(off.client.reliable().sender().counters().resentTimeout()).isPositive();
    assertThat(on.now).isLessThan(off.now);
  }

  private static Harness clientHelloLostAckArrives(ReliableConfig server) {
    Harness h =
        new Harness(
            serverConfig().withReliable(server),
            new AddressPool("10.8.0.0/24"),
            true,
            0,
            1,
            ReliableConfig.upstream26());
    h.client.start();
    byte[] reset = h.client.poll(0).getFirst();
    h.server.receive(reset, 0, reset.length, PATH, 0, h.out);
    List<byte[]> replies = h.out.datagrams().stream().map(Output.Datagram::bytes).toList();
    h.out.clear();
    // a stock client handles each datagram on its own: the first reply starts TLS...
    h.client.receive(replies.get(0), 0);
    List<byte[]> clientHello = h.client.poll(0);
    assertThat(clientHello).singleElement(); // lost
    // ...and the copy after it is a duplicate it acknowledges with a dedicated ACK
    h.client.receive(replies.get(1), 0);
    List<byte[]> ack = h.client.poll(0);
    assertThat(ack).singleElement();
    ack.forEach(h::toServer);
    assertThat(h.server.size()).isEqualTo(1);
    h.runUntil(h.client::connected, 60_000 * MS);
    return h;
  }

  /** A server datagram as the client sees it. */
  private static ControlPacket decodeAsClient(byte[] datagram) {
    byte[] plain =
        new TlsCrypt(tlsCryptKey, KeyDirection.INVERSE)
            .unwrap(datagram, 0, datagram.length)
            .value()
            .plain();
    return ControlCodec.decode(plain, 0, plain.length).value();
  }

  /**
   * A retransmitted reset shows as a gap in the client's replay ids: the server then sends its TLS
   * flight twice at once, instead of waiting for evidence from its own retransmit timer.
   */
  @Test
  void gapInClientReplayIdsMakesTheServerSendItsFlightTwice() {
    int withGap = serverMessageDatagramsInHandshake(true);
    int withoutGap = serverMessageDatagramsInHandshake(false);
    System.out.printf(
        "server control messages sent in a lossless handshake: %d after a client-id gap, %d"
            + " without%n",
        withGap, withoutGap);
    int resetCopies = ReliableConfig.braid().ackCopies();
    assertThat(withGap - resetCopies).isEqualTo(2 * (withoutGap - resetCopies));
  }

  private int serverMessageDatagramsInHandshake(boolean retransmitReset) {
    Harness h = new Harness(true, 0, 1);
    h.client.start();
    if (retransmitReset) {
      h.client.poll(0); // lost; the client resends it on its timer with the next replay id
      h.now = h.client.nextWakeupNanos();
    }
    int[] messages = {0};
    while (!h.client.connected()) {
      List<byte[]> fromClient = h.client.poll(h.now);
      for (byte[] d : fromClient) {
        h.server.receive(d, 0, d.length, PATH, h.now, h.out);
      }
      h.server.poll(h.now, h.out);
      for (Output.Datagram<String> d : h.out.datagrams()) {
        if (decodeAsClient(d.bytes()).opcode().carriesMessage()) {
          messages[0]++;
        }
      }
      h.drainServer();
      if (fromClient.isEmpty()) {
        h.now += MS;
      }
      assertThat(h.now).isLessThan(60_000 * MS);
    }
    return messages[0];
  }

  @Test
  void serverKeyAgeIsSpreadBetweenNinetyAndAHundredPercentLikeOpenVpn() {
    long hour = java.time.Duration.ofHours(1).toNanos();
    assertThat(Session.jitteredAge(hour, 0.0)).isEqualTo(hour * 9 / 10);
    assertThat(Session.jitteredAge(hour, 0.5)).isEqualTo(hour * 95 / 100);
    assertThat(Session.jitteredAge(hour, Math.nextDown(1.0))).isBetween(hour - 1000, hour);
  }
}
