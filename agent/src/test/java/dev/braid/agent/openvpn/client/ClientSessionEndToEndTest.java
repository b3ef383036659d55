package dev.braid.agent.openvpn.client;

import static dev.braid.agent.openvpn.client.ClientServerNet.MS;
import static dev.braid.agent.openvpn.client.ClientServerNet.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.openvpn.client.profile.Protocol;
import dev.braid.agent.openvpn.client.profile.Remote;
import dev.braid.agent.openvpn.data.DataPayload;
import dev.braid.agent.openvpn.keys.AeadCipher;
import dev.braid.agent.openvpn.keys.KeyMethod2;
import dev.braid.agent.openvpn.reliable.ReliableConfig;
import dev.braid.agent.openvpn.session.Output;
import dev.braid.agent.openvpn.session.ServerConfig;
import dev.braid.agent.openvpn.session.SessionEvent;
import dev.braid.agent.openvpn.testing.TestPki;
import dev.braid.agent.openvpn.tls.ServerCertificatePolicy;
import dev.braid.agent.openvpn.tls.TlsClientContext;
import dev.braid.agent.openvpn.tls.TlsServerContext;
import dev.braid.agent.openvpn.tlswrap.ControlWrap;
import dev.braid.agent.openvpn.tlswrap.KeyDirection;
import dev.braid.agent.openvpn.tlswrap.StaticKey;
import dev.braid.agent.openvpn.tlswrap.TlsAuth;
import dev.braid.agent.openvpn.tlswrap.TlsCrypt;
import dev.braid.agent.openvpn.wire.DropReason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Braid's {@link ClientSession} against the real server side ({@code ServerSessions}, {@code
 * Session}) in memory and simulated time: handshakes under each control-channel protection, each
 * cipher, with and without TLS key export; data both ways; renegotiation from either side with
 * traffic flowing; keepalive; refusals; loss.
 */
class ClientSessionEndToEndTest {
  private static TestPki pki;
  private static TlsServerContext serverTls;
  private static TlsClientContext aliceTls;
  private static StaticKey key;

  @BeforeAll
  static void pki() throws Exception {
    pki = new TestPki();
    TestPki.Issued server = pki.server("braid-hub");
    serverTls = TlsServerContext.fromPem(server.certPem(), server.keyPem(), pki.ca().certPem(), "");
    aliceTls = clientTls(pki.client("alice"), pki);
    byte[] k = new byte[StaticKey.SIZE];
    new Random(7).nextBytes(k);
    key = new StaticKey(k);
  }

  static TlsClientContext clientTls(TestPki.Issued cert, TestPki ca) throws Exception {
    return TlsClientContext.fromPem(
        cert.certPem(),
        cert.keyPem(),
        ca.ca().certPem(),
        "",
        ServerCertificatePolicy.serverEku(),
        "1.2",
        "1.3");
  }

  enum Wrap {
    TLS_CRYPT,
    TLS_AUTH,
    NONE;

    ControlWrap server() {
      return switch (this) {
        case TLS_CRYPT -> new TlsCrypt(key, KeyDirection.NORMAL);
        case TLS_AUTH -> new TlsAuth(key, KeyDirection.NORMAL, TlsAuth.Digest.SHA256);
        case NONE -> ControlWrap.NONE;
      };
    }

    ControlWrap client() {
      return switch (this) {
        case TLS_CRYPT -> new TlsCrypt(key, KeyDirection.INVERSE);
        case TLS_AUTH -> new TlsAuth(key, KeyDirection.INVERSE, TlsAuth.Digest.SHA256);
        case NONE -> ControlWrap.NONE;
      };
    }
  }

  static ServerConfig server(Wrap wrap) {
    return ServerConfig.defaults(wrap.server(), serverTls);
  }

  static ClientConfig.Builder client(Wrap wrap) {
    return ClientConfig.builder(wrap.client(), aliceTls::newEngine);
  }

  @ParameterizedTest
  @EnumSource(Wrap.class)
  void connectsUnderEachControlChannelProtectionAndCarriesDataBothWays(Wrap wrap) {
    ClientServerNet net = new ClientServerNet(server(wrap), 0, 1);
    net.start(client(wrap).build());
    net.connect();

    ClientEvent.Connected<String> c = net.clientEvents(ClientEvent.Connected.class).getFirst();
    assertThat(c.cipher()).isEqualTo(AeadCipher.AES_256_GCM);
    assertThat(c.peerId()).isZero();
    assertThat(c.tlsKeyExport()).isTrue();
    assertThat(c.multipath()).isFalse();
    var o = c.options();
    assertThat(o.ifconfig()).hasValueSatisfying(i -> assertThat(i.address()).isEqualTo("10.8.0.2"));
    assertThat(o.ifconfig().get().second()).isEqualTo("255.255.255.0");
    assertThat(o.routeGateway()).hasValue("10.8.0.1");
    assertThat(o.topology()).hasToString("SUBNET");
    assertThat(o.ping()).hasValue(10);
    assertThat(o.pingRestart()).hasValue(60);
    assertThat(o.controlChannelExit()).isTrue();
    assertThat(o.unknown()).isEmpty();
    assertThat(net.serverEvents(SessionEvent.Established.class))
        .singleElement()
        .satisfies(e -> assertThat(e.clientAddress()).isEqualTo("10.8.0.2"));
    assertThat(net.serverSession().commonName()).isEqualTo("alice");

    Traffic t = new Traffic(net);
    for (int i = 0; i < 20; i++) {
      t.tick();
      net.deliver();
    }
    assertThat(t.receivedByServer()).isEqualTo(20);
    assertThat(t.receivedByClient()).isEqualTo(20);
    assertThat(net.clientEvents(ClientEvent.TunPacket.class))
        .allSatisfy(p -> assertThat(p.path()).isEqualTo("A"));
  }

  @ParameterizedTest
  @EnumSource(AeadCipher.class)
  void eachCipherIsNegotiatedAndCarriesData(AeadCipher cipher) {
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 2);
    net.start(client(Wrap.TLS_CRYPT).ciphers(List.of(cipher)).build());
    net.connect();

    assertThat(net.client.cipher()).isEqualTo(cipher);
    assertThat(net.serverSession().cipher()).isEqualTo(cipher.openvpnName());
    Traffic t = new Traffic(net);
    t.roundTrip();
    assertThat(t.receivedByServer()).isEqualTo(1);
    assertThat(t.receivedByClient()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void dataKeysComeFromTlsExportWhenAnnouncedAndFromThePrfOtherwise(boolean export) {
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 3);
    net.start(client(Wrap.TLS_CRYPT).announceKeyExport(export).build());
    net.connect();

    assertThat(net.client.tlsKeyExport()).isEqualTo(export);
    assertThat(net.client.pushedOptions().protocolFlags().contains("tls-ekm")).isEqualTo(export);
    assertThat(net.client.peerInfo()).contains(export ? "IV_PROTO=478\n" : "IV_PROTO=470\n");
    Traffic t = new Traffic(net);
    t.roundTrip();
    assertThat(t.receivedByServer()).isEqualTo(1);
    assertThat(t.receivedByClient()).isEqualTo(1);
  }

  @Test
  void serverStartedRenegotiationIsAnsweredWithoutLosingTraffic() {
    ServerConfig config = server(Wrap.TLS_CRYPT).withRenegotiate(Duration.ofSeconds(20));
    ClientServerNet net = new ClientServerNet(config, 0, 4);
    net.start(client(Wrap.TLS_CRYPT).build());
    net.connect();

    Traffic t = new Traffic(net);
    net.runFor(70 * SECOND, 100 * MS, t::tick);

    assertThat(net.clientEvents(ClientEvent.Renegotiated.class))
        .extracting(ClientEvent.Renegotiated::keyId, ClientEvent.Renegotiated::byServer)
        .startsWith(
            org.assertj.core.groups.Tuple.tuple(1, true),
            org.assertj.core.groups.Tuple.tuple(2, true),
            org.assertj.core.groups.Tuple.tuple(3, true));
    assertThat(net.serverSession().serverRenegotiations()).isGreaterThanOrEqualTo(3);
    assertThat(t.clientSent).isGreaterThan(650);
    assertThat(t.receivedByServer()).as("client to server").isEqualTo(t.clientSent);
    assertThat(t.receivedByClient()).as("server to client").isEqualTo(t.serverSent);
    assertThat(net.client.isConnected()).isTrue();
  }

  @Test
  void clientRenegotiatesAtRenegSecKeepsTheOldKeyForTheTransitionWindowAndLosesNothing() {
    ClientServerNet net =
        new ClientServerNet(server(Wrap.TLS_AUTH).withRenegotiate(Duration.ZERO), 0, 5);
    net.start(
        client(Wrap.TLS_AUTH)
            .renegotiate(Duration.ofSeconds(30))
            .transitionWindow(Duration.ofSeconds(10))
            .build());
    net.connect();
    long connectedAt = net.now;

    Traffic t = new Traffic(net);
    net.runFor(29 * SECOND, 100 * MS, t::tick);
    net.holdData = 2; // the last two old-key packets from the server arrive late, as if reordered
    net.runUntil(() -> net.client.renegotiations() == 1, net.now + 5 * SECOND, 100 * MS, t::tick);
    assertThat(net.now - connectedAt).isBetween(30 * SECOND, 31 * SECOND);
    assertThat(net.clientEvents(ClientEvent.Renegotiated.class))
        .singleElement()
        .satisfies(r -> assertThat(r.byServer()).isFalse());
    assertThat(net.serverEvents(SessionEvent.Renegotiated.class))
        .singleElement()
        .satisfies(r -> assertThat(r.byServer()).isFalse());

    // a second later, within the transition window, the old key still decrypts a late packet
    net.runFor(1 * SECOND, 100 * MS, t::tick);
    assertThat(net.held).hasSize(2);
    net.release(net.held.get(0));
    assertThat(net.clientEvents(ClientEvent.TunPacket.class))
        .last()
        .satisfies(p -> assertThat(p.keyId()).isZero());
    assertThat(net.clientOut.drops()).doesNotContainKey(DropReason.UNKNOWN_KEY_ID);
    net.runFor(5 * SECOND, 100 * MS, t::tick);
    assertThat(t.receivedByServer()).as("client to server, both keys").isEqualTo(t.clientSent);
    assertThat(t.receivedByClient()).as("all but the one still held").isEqualTo(t.serverSent - 1);

    // after it the old key is gone: its packets are dropped, not decrypted
    net.runFor(6 * SECOND, 100 * MS, t::tick);
    net.release(net.held.get(1));
    assertThat(net.clientOut.drops()).containsEntry(DropReason.UNKNOWN_KEY_ID, 1L);
    assertThat(t.receivedByClient()).isEqualTo(t.serverSent - 1);
    assertThat(t.receivedByServer()).isEqualTo(t.clientSent);
  }

  @Test
  void keepalivePingsKeepAnIdleSessionAliveAndSilenceEndsItAtPingRestart() {
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 6);
    net.start(client(Wrap.TLS_CRYPT).build());
    net.connect();

    net.runFor(300 * SECOND, 1 * SECOND, () -> {});
    assertThat(net.client.isConnected()).as("idle but pinging").isTrue();
    assertThat(net.serverSession().isEstablished()).isTrue();
    assertThat(net.serverSession().authenticatedDataPackets())
        .as("a ping every 10 s")
        .isBetween(29L, 31L);

    net.serverSilent = true;
    long silentFrom = net.now;
    net.runUntil(net.client::isClosed, net.now + 120 * SECOND);
    CloseReason r = net.clientClosed();
    assertThat(r.kind()).isEqualTo(CloseReason.Kind.PING_RESTART);
    assertThat(r.retryable()).isTrue();
    assertThat(r.detail()).contains("60 s");
    assertThat(net.now - silentFrom).isBetween(50 * SECOND, 61 * SECOND);
  }

  @Test
  void aRevokedCertificateIsReportedAsAuthFailedWithTheServersReason() throws Exception {
    TestPki.Issued bob = pki.client("bob");
    TestPki.Issued server = pki.server("braid-hub");
    TlsServerContext revoking =
        TlsServerContext.fromPem(
            server.certPem(), server.keyPem(), pki.ca().certPem(), pki.crlPem(bob.certificate()));
    ClientServerNet net =
        new ClientServerNet(ServerConfig.defaults(Wrap.TLS_CRYPT.server(), revoking), 0, 7);
    net.start(
        ClientConfig.builder(Wrap.TLS_CRYPT.client(), clientTls(bob, pki)::newEngine).build());
    net.runUntil(net.client::isClosed, net.now + 60 * SECOND);

    CloseReason r = net.clientClosed();
    assertThat(r.kind()).isEqualTo(CloseReason.Kind.AUTH_FAILED);
    assertThat(r.detail()).contains("certificate");
    assertThat(r.retryable()).isFalse();
    assertThat(net.serverEvents(SessionEvent.Closed.class))
        .singleElement()
        .satisfies(c -> assertThat(c.reason()).containsIgnoringCase("revoked"));
  }

  @Test
  void aCertificateFromAnotherCaIsReportedAsAuthFailed() throws Exception {
    TestPki other = new TestPki();
    TestPki.Issued mallory = other.client("mallory");
    // mallory trusts our CA (so the server passes) but her certificate is from another CA
    TlsClientContext tls =
        TlsClientContext.fromPem(
            mallory.certPem(),
            mallory.keyPem(),
            pki.ca().certPem(),
            "",
            ServerCertificatePolicy.serverEku(),
            "1.2",
            "1.3");
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 8);
    net.start(ClientConfig.builder(Wrap.TLS_CRYPT.client(), tls::newEngine).build());
    net.runUntil(net.client::isClosed, net.now + 60 * SECOND);

    CloseReason r = net.clientClosed();
    assertThat(r.kind()).isEqualTo(CloseReason.Kind.AUTH_FAILED);
    assertThat(r.detail()).startsWith("server refused this client's certificate (TLS alert ");
  }

  @Test
  void authFailedSentByTheServerIsSurfacedWithItsReason() throws Exception {
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 9);
    net.start(client(Wrap.TLS_CRYPT).build());
    net.connect();
    net.serverSession()
        .goAway("AUTH_FAILED,client certificate revoked", "revoked", net.now, net.serverOut);
    net.deliver();

    CloseReason r = net.clientClosed();
    assertThat(r.kind()).isEqualTo(CloseReason.Kind.AUTH_FAILED);
    assertThat(r.detail()).isEqualTo("server sent AUTH_FAILED: client certificate revoked");
    assertThat(r.retryable()).isFalse();
  }

  @Test
  void restartAndHaltFromTheServerCarryTheirMeaning() {
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 10);
    net.start(client(Wrap.TLS_CRYPT).build());
    net.connect();
    net.serverSession().goAway("RESTART,[N]maintenance", "restart", net.now, net.serverOut);
    net.deliver();
    CloseReason restart = net.clientClosed();
    assertThat(restart.kind()).isEqualTo(CloseReason.Kind.SERVER_RESTART);
    assertThat(restart.detail()).isEqualTo("server sent RESTART: maintenance");
    assertThat(restart.retryable()).isTrue();
    assertThat(restart.advance()).as("[N]: the next remote").isTrue();

    ClientServerNet net2 = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 11);
    net2.start(client(Wrap.TLS_CRYPT).build());
    net2.connect();
    net2.serverSession().goAway("HALT,go away", "halt", net2.now, net2.serverOut);
    net2.deliver();
    assertThat(net2.clientClosed().kind()).isEqualTo(CloseReason.Kind.SERVER_HALT);
    assertThat(net2.clientClosed().retryable()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void connectsUnderThirtyPercentLossBothWaysAndCarriesData(long seed) {
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 30, seed);
    net.start(client(Wrap.TLS_CRYPT).build());
    net.connect();
    assertThat(net.client.isConnected()).isTrue();

    Traffic t = new Traffic(net);
    net.runFor(10 * SECOND, 100 * MS, t::tick);
    assertThat(t.receivedByServer()).isBetween(t.clientSent * 55 / 100, t.clientSent * 85 / 100);
    assertThat(t.receivedByClient()).isBetween(t.serverSent * 55 / 100, t.serverSent * 85 / 100);
  }

  @Test
  void renegotiationCompletesUnderThirtyPercentLoss() {
    ClientServerNet net =
        new ClientServerNet(server(Wrap.TLS_CRYPT).withRenegotiate(Duration.ZERO), 30, 12);
    net.start(client(Wrap.TLS_CRYPT).renegotiate(Duration.ofSeconds(20)).build());
    net.connect();
    Traffic t = new Traffic(net);
    net.runUntil(() -> net.client.renegotiations() >= 2, net.now + 120 * SECOND, 100 * MS, t::tick);
    assertThat(net.client.isConnected()).isTrue();
  }

  @Test
  void peerInfoAnnouncesMultipathOnlyWhenAskedAndTheServerReceivesIt() {
    for (boolean multipath : new boolean[] {false, true}) {
      ByteArrayOutputStream written = new ByteArrayOutputStream();
      ClientServerNet net =
          new ClientServerNet(server(Wrap.TLS_CRYPT).toBuilder().multipath(null).build(), 0, 13);
      net.start(
          client(Wrap.TLS_CRYPT)
              .tlsEngines(() -> new RecordingEngine(aliceTls.newEngine(), written))
              .multipath(multipath)
              .build());
      net.connect();

      KeyMethod2.Parsed sent = KeyMethod2.parseClient(written.toByteArray());
      assertThat(sent.error()).isNull();
      var info = sent.message().peerInfoMap();
      assertThat(info)
          .containsEntry("IV_CIPHERS", "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305")
          .containsEntry("IV_NCP", "2")
          .containsEntry("IV_PROTO", "478")
          .containsEntry("IV_PLAT", "linux");
      if (multipath) {
        assertThat(info).containsEntry("IV_BRAID_MP", "1");
      } else {
        assertThat(info).doesNotContainKey("IV_BRAID_MP");
      }
      assertThat(net.client.multipath()).as("a hub that offers nothing").isFalse();
    }
  }

  @Test
  void aServerThatPushesUnaskedIsNotAskedAgain() {
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 14);
    net.start(
        client(Wrap.TLS_CRYPT)
            .tlsEngines(() -> new RecordingEngine(aliceTls.newEngine(), written))
            .build());
    net.connect();
    assertThat(written.toString(StandardCharsets.ISO_8859_1)).doesNotContain("PUSH_REQUEST");
  }

  @Test
  void multipathOfferOfTheKnownVersionIsAcceptedAndOthersFallBackToSinglePath() {
    for (int version : new int[] {1, 2}) {
      ServerConfig config =
          TestServers.withPush(
              server(Wrap.TLS_CRYPT).toBuilder().multipath(null).build(),
              "braid-multipath " + version + " probe-ms=100");
      ClientServerNet net = new ClientServerNet(config, 0, 15);
      net.start(client(Wrap.TLS_CRYPT).multipath(true).build());
      net.connect();
      ClientEvent.Connected<String> c = net.clientEvents(ClientEvent.Connected.class).getFirst();
      assertThat(c.options().multipath())
          .hasValueSatisfying(m -> assertThat(m.arguments()).containsExactly("probe-ms=100"));
      assertThat(c.multipath()).isEqualTo(version == 1);
    }
  }

  @Test
  void aPushedCompressionOptionIsRefusedWithTheReason() {
    ServerConfig config = TestServers.withPush(server(Wrap.TLS_CRYPT), "compress lz4-v2");
    ClientServerNet net = new ClientServerNet(config, 0, 16);
    net.start(client(Wrap.TLS_CRYPT).build());
    net.runUntil(net.client::isClosed, net.now + 60 * SECOND);
    CloseReason r = net.clientClosed();
    assertThat(r.kind()).isEqualTo(CloseReason.Kind.PUSH_REJECTED);
    assertThat(r.detail()).contains("'compress lz4-v2'");
  }

  @Test
  void severalPathsCarryDataAndEachAuthenticatedPacketReportsItsPath() {
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 17);
    net.start(client(Wrap.TLS_CRYPT).build());
    net.connect();

    assertThat(net.client.sendTunPacket(Traffic.packet(1, 0), "B", net.now, net.clientOut))
        .isTrue();
    net.deliver();
    assertThat(net.serverSession().paths()).first().isEqualTo("srv-B"); // it floated to B
    net.serverSession().sendToClient(Traffic.packet(2, 0), net.now, net.serverOut);
    net.deliver();
    assertThat(net.clientEvents(ClientEvent.TunPacket.class))
        .last()
        .satisfies(p -> assertThat(p.path()).isEqualTo("B"));
    assertThat(net.client.heardPaths().keySet()).containsExactly("A", "B"); // B most recent

    // a flood of source paths is capped: the least recently heard are forgotten
    for (int i = 0; i < 20; i++) {
      net.serverSession().sendToClient(Traffic.packet(2, 100 + i), net.now, net.serverOut);
      Output.Datagram<String> d = net.serverOut.datagrams().removeLast();
      net.client.receive(d.bytes(), 0, d.bytes().length, "p" + i, net.now, net.clientOut);
    }
    assertThat(net.client.heardPaths()).hasSize(ClientSession.MAX_PATHS);
    assertThat(net.client.heardPaths().keySet()).first().isEqualTo("p4");
    assertThat(net.client.heardPaths().keySet()).last().isEqualTo("p19");

    // one sealed packet on two paths: the server takes the first and drops the copy as a replay
    byte[] sealed = net.client.seal(Traffic.packet(1, 1), 0, 24, net.now);
    net.clientOut.send("A", sealed);
    net.clientOut.send("B", sealed);
    net.deliver();
    assertThat(net.serverOut.drops()).containsEntry(DropReason.REPLAY, 1L);

    net.client.useControlPath("B");
    net.client.renegotiate(net.now, net.clientOut);
    assertThat(net.clientOut.datagrams()).allSatisfy(d -> assertThat(d.path()).isEqualTo("B"));
    net.runUntil(() -> net.client.renegotiations() == 1, net.now + 10 * SECOND);
  }

  @Test
  void infoFromTheServerIsANoticeAndTheSessionGoesOn() {
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 25);
    net.start(client(Wrap.TLS_CRYPT).build());
    net.connect();
    net.serverSession().goAway("INFO,maintenance at 22:00", "info", net.now, net.serverOut);
    net.deliver();
    assertThat(net.clientEvents(ClientEvent.Notice.class))
        .singleElement()
        .satisfies(n -> assertThat(n.message()).isEqualTo("maintenance at 22:00"));
    assertThat(net.client.isConnected()).isTrue();
  }

  @Test
  void aLargerReplayWindowAcceptsAPacketThatFellFarBehindAsOnASlowPath() {
    for (int window : new int[] {64, 4096}) {
      ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 27);
      net.start(client(Wrap.TLS_CRYPT).replayWindow(window).build());
      net.connect();
      net.holdData = 1;
      Traffic t = new Traffic(net);
      for (int i = 0; i < 1000; i++) {
        t.roundTrip();
      }
      net.release(net.held.getFirst()); // 999 ids behind the newest
      assertThat(t.receivedByClient()).isEqualTo(window == 64 ? 999 : 1000);
      if (window == 64) {
        assertThat(net.clientOut.drops()).containsEntry(DropReason.REPLAY_TOO_OLD, 1L);
      }
    }
  }

  @Test
  void replayedServerPacketsAreDropped() {
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 18);
    net.start(client(Wrap.TLS_CRYPT).build());
    net.connect();
    net.serverSession().sendToClient(Traffic.packet(2, 0), net.now, net.serverOut);
    net.deliver();
    int packets = net.clientEvents(ClientEvent.TunPacket.class).size();
    byte[] data = net.serverToClient.getLast();
    byte[] control = net.serverToClient.getFirst();

    net.client.receive(data, 0, data.length, "A", net.now, net.clientOut);
    net.client.receive(control, 0, control.length, "A", net.now, net.clientOut);
    net.deliver();

    assertThat(net.clientEvents(ClientEvent.TunPacket.class)).hasSize(packets);
    assertThat(net.clientOut.drops()).containsEntry(DropReason.REPLAY, 1L);
    assertThat(net.clientOut.drops()).containsKey(DropReason.REPLAY_TOO_OLD);
  }

  @Test
  void explicitExitNotifyTellsTheServerOverTheControlChannel() {
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 19);
    net.start(client(Wrap.TLS_CRYPT).explicitExitNotify(Duration.ofSeconds(2)).build());
    net.connect();
    net.client.close(net.now, net.clientOut);
    net.deliver();

    assertThat(net.serverEvents(SessionEvent.Closed.class))
        .singleElement()
        .satisfies(c -> assertThat(c.reason()).isEqualTo("client sent EXIT"));
    CloseReason r = net.clientClosed();
    assertThat(r.kind()).isEqualTo(CloseReason.Kind.CLIENT_EXIT);
    assertThat(r.detail()).contains("acknowledged EXIT");
    assertThat(net.server.size()).isZero();
  }

  @Test
  void withoutExitNotifyTheClientLeavesSilently() {
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 20);
    net.start(client(Wrap.TLS_CRYPT).build());
    net.connect();
    net.client.close(net.now, net.clientOut);
    assertThat(net.clientOut.datagrams()).isEmpty();
    net.deliver();
    assertThat(net.clientClosed().kind()).isEqualTo(CloseReason.Kind.CLIENT_EXIT);
    assertThat(net.server.size()).isEqualTo(1);
  }

  @Test
  void overTcpTheControlChannelSendsNoCopiesAndClosingSendsNoExitNotification() {
    ClientServerNet net =
        new ClientServerNet(
            server(Wrap.TLS_CRYPT).withReliable(ReliableConfig.braid().withoutRedundancy()), 0, 26);
    ClientConfig udp = client(Wrap.TLS_CRYPT).explicitExitNotify(Duration.ofSeconds(2)).build();
    ClientConfig tcp =
        ClientConfigs.forRemote(udp, new Remote("hub.example", 443, Protocol.TCP_CLIENT));
    assertThat(udp.reliable().ackCopies()).isEqualTo(3);
    assertThat(tcp.reliable().ackCopies()).isEqualTo(1);
    assertThat(tcp.reliable().lossCopies()).isEqualTo(1);
    net.start(tcp);
    net.connect();
    assertThat(net.client.isConnected()).isTrue();
    net.client.close(net.now, net.clientOut);
    assertThat(net.clientOut.datagrams())
        .as("no EXIT: closing the stream tells the server")
        .isEmpty();
    net.deliver();
    assertThat(net.clientClosed().kind()).isEqualTo(CloseReason.Kind.CLIENT_EXIT);
  }

  @Test
  void aWrongControlChannelKeyTimesOutAtHandWindowAndMovesOn() {
    byte[] other = new byte[StaticKey.SIZE];
    new Random(99).nextBytes(other);
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 21);
    net.start(
        ClientConfig.builder(
                new TlsCrypt(new StaticKey(other), KeyDirection.INVERSE), aliceTls::newEngine)
            .build());
    net.runUntil(net.client::isClosed, net.now + 200 * SECOND);

    CloseReason r = net.clientClosed();
    assertThat(r.kind()).isEqualTo(CloseReason.Kind.HANDSHAKE_TIMEOUT);
    assertThat(r.detail())
        .endsWith(
            "the server never answered the reset (wrong address, port, or control-channel key)");
    assertThat(r.advance()).isTrue();
    assertThat(net.serverOut.drops()).containsKey(DropReason.TLS_CRYPT_BAD_TAG);
  }

  @Test
  void aSilentServerEndsTheAttemptAtServerPollTimeout() {
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 22);
    net.serverSilent = true;
    net.start(client(Wrap.TLS_CRYPT).serverPollTimeout(Duration.ofSeconds(10)).build());
    long start = net.now;
    net.runUntil(net.client::isClosed, net.now + 200 * SECOND);
    assertThat(net.clientClosed().kind()).isEqualTo(CloseReason.Kind.SERVER_POLL_TIMEOUT);
    assertThat(net.now - start).isEqualTo(10 * SECOND);
  }

  @Test
  void aServerCertificateWithoutServerAuthIsRefusedUnderRemoteCertTls() throws Exception {
    TestPki.Issued fake =
        pki.issue(
            "not-a-server",
            org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_clientAuth,
            java.time.Instant.now().plus(Duration.ofDays(1)));
    TlsServerContext tls =
        TlsServerContext.fromPem(fake.certPem(), fake.keyPem(), pki.ca().certPem(), "");
    ClientServerNet net =
        new ClientServerNet(ServerConfig.defaults(Wrap.TLS_CRYPT.server(), tls), 0, 23);
    net.start(client(Wrap.TLS_CRYPT).build());
    net.runUntil(net.client::isClosed, net.now + 60 * SECOND);

    CloseReason r = net.clientClosed();
    assertThat(r.kind()).isEqualTo(CloseReason.Kind.TLS_ERROR);
    assertThat(r.detail())
        .contains("CN=not-a-server")
        .contains("TLS Web Server Authentication (remote-cert-tls server)");
    assertThat(r.retryable()).isTrue();
  }

  @Test
  void dataBeforeTheKeysAndDataV1AreDroppedWithTheirReason() {
    ClientServerNet net = new ClientServerNet(server(Wrap.TLS_CRYPT), 0, 24);
    net.start(client(Wrap.TLS_CRYPT).build());
    assertThat(net.client.sendTunPacket(new byte[] {0x45}, net.now, net.clientOut)).isFalse();
    byte[] v1 = {(byte) (6 << 3), 1, 2, 3};
    net.client.receive(v1, 0, v1.length, "A", net.now, net.clientOut);
    byte[] v2 = new byte[40];
    v2[0] = (byte) (9 << 3);
    net.client.receive(v2, 0, v2.length, "A", net.now, net.clientOut);
    assertThat(net.clientOut.drops())
        .containsEntry(DropReason.DATA_V1_UNSUPPORTED, 1L)
        .containsEntry(DropReason.UNKNOWN_KEY_ID, 1L);
    net.connect(); // none of it disturbed the handshake
    assertThat(DataPayload.PING_MAGIC).hasSize(16);
  }
}
