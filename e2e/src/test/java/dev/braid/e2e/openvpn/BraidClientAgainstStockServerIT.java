package dev.braid.e2e.openvpn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.openvpn.client.ClientConfig;
import dev.braid.agent.openvpn.client.ClientConfigs;
import dev.braid.agent.openvpn.client.ClientEvent;
import dev.braid.agent.openvpn.client.CloseReason;
import dev.braid.agent.openvpn.client.profile.ClientProfile;
import dev.braid.agent.openvpn.client.profile.ClientProfileParser;
import dev.braid.agent.openvpn.client.push.PushedOptions;
import dev.braid.agent.openvpn.keys.AeadCipher;
import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.Prerequisites;
import dev.braid.e2e.harness.IcmpEcho;
import dev.braid.e2e.harness.OpenSslPki;
import dev.braid.e2e.harness.OpenVpnConfigs;
import dev.braid.e2e.harness.OpenVpnConfigs.ControlChannel;
import dev.braid.e2e.harness.OpenVpnProcess;
import dev.braid.e2e.harness.UdpClientDriver;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Braid's OpenVPN client ({@code openvpn.client}) against a stock OpenVPN 2.6 server: the server in
 * one namespace, the sans-I/O client session driven over a real UDP socket in another, configured
 * from a profile in the operator's format. The handshake completes, the PUSH_REPLY parses, and an
 * ICMP echo sent through the data channel to the server's tunnel address comes back; also with the
 * data keys from the PRF, across renegotiations started by either side, and with the exit
 * notification; and how a client certificate the server does not trust shows.
 */
class BraidClientAgainstStockServerIT {
  private static final InetSocketAddress SERVER = new InetSocketAddress("10.78.0.1", 1194);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("10.78.0.2", 0);
  private static final AtomicInteger SEQ = new AtomicInteger(1);

  static NetNs server;
  static NetNs client;
  static OpenSslPki pki;
  static Path dir;

  @BeforeAll
  static void topology() throws Exception {
    Prerequisites.require("ip", "openvpn", "openssl");
    dir = Files.createTempDirectory("braid-client-interop");
    pki = OpenSslPki.create(dir.resolve("pki"), "hub");
    pki.client("site");
    server = NetNs.create("hub");
    client = NetNs.create("site");
    server.veth("wan0", client, "wan0");
    server.addresses("wan0", "10.78.0.1/24");
    client.addresses("wan0", "10.78.0.2/24");
  }

  @AfterAll
  static void cleanup() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** The profile Braid's operator would render for this PKI, with {@code extra} lines. */
  static String profile(ControlChannel cc, String ciphers, String extra) throws Exception {
    StringBuilder p = new StringBuilder();
    p.append("client\ndev tun\n")
        .append("remote ")
        .append(SERVER.getHostString())
        .append(' ')
        .append(SERVER.getPort())
        .append(" udp\n")
        .append("resolv-retry infinite\nnobind\npersist-key\npersist-tun\n")
        .append("remote-cert-tls server\n")
        .append("data-ciphers ")
        .append(ciphers)
        .append("\nexplicit-exit-notify 1\nverb 3\n")
        .append(extra);
    inline(p, "ca", pki.file("ca.crt"));
    inline(p, "cert", pki.file("site.crt"));
    inline(p, "key", pki.file("site.key"));
    if (cc == ControlChannel.TLS_CRYPT) {
      inline(p, "tls-crypt", pki.file("tc.key"));
    } else {
      p.append("auth SHA256\nkey-direction 1\n");
      inline(p, "tls-auth", pki.file("ta.key"));
    }
    return p.toString();
  }

  private static void inline(StringBuilder p, String tag, Path file) throws Exception {
    p.append('<').append(tag).append(">\n");
    p.append(Files.readString(file).strip()).append("\n</").append(tag).append(">\n");
  }

  static ClientConfig config(ControlChannel cc, String ciphers, String extra) throws Exception {
    ClientProfile p = ClientProfileParser.parse(profile(cc, ciphers, extra));
    return ClientConfigs.fromProfile(p, false);
  }

  static OpenVpnProcess stockServer(ControlChannel cc, String name, String extra) throws Exception {
    return OpenVpnProcess.start(
        server,
        dir.resolve(name + ".conf"),
        OpenVpnConfigs.server(pki, SERVER.getPort(), "udp", cc) + extra);
  }

  /** Pings the server's tunnel address through the data channel; true if the reply came back. */
  static boolean pingThroughTunnel(UdpClientDriver d, PushedOptions o) throws Exception {
    String self = o.ifconfig().orElseThrow().address();
    String gateway = o.routeGateway().orElseThrow();
    int seq = SEQ.getAndIncrement();
    int before = d.events(ClientEvent.TunPacket.class).size();
    assertThat(d.sendTun(IcmpEcho.request(self, gateway, 0x4242, seq))).isTrue();
    return d.runUntil(
        x ->
            x.events(ClientEvent.TunPacket.class).stream()
                .skip(before)
                .anyMatch(t -> reply(t.packet(), gateway, seq)),
        Duration.ofSeconds(5));
  }

  private static boolean reply(byte[] packet, String from, int seq) {
    try {
      return IcmpEcho.isReply(packet, from, 0x4242, seq);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static PushedOptions connect(UdpClientDriver d, OpenVpnProcess srv) throws Exception {
    boolean connected =
        d.runUntil(
            x -> x.session().isConnected() || x.session().isClosed(), Duration.ofSeconds(30));
    assertThat(connected && d.session().isConnected())
        .as(
            "connected; close reason %s, drops %s%nserver log:%n%s",
            d.session().closeReason(), d.drops(), srv.log())
        .isTrue();
    return d.session().pushedOptions();
  }

  @ParameterizedTest
  @EnumSource(ControlChannel.class)
  void connectsParsesThePushAndPingsThroughTheDataChannel(ControlChannel cc) throws Exception {
    try (OpenVpnProcess srv = stockServer(cc, "server-" + cc, "");
        UdpClientDriver d =
            UdpClientDriver.open(
                client, LOCAL, SERVER, config(cc, "AES-256-GCM:CHACHA20-POLY1305", ""))) {
      PushedOptions o = connect(d, srv);

      ClientEvent.Connected<?> c = d.events(ClientEvent.Connected.class).getFirst();
      assertThat(c.cipher()).isEqualTo(AeadCipher.AES_256_GCM);
      assertThat(c.tlsKeyExport()).as("2.6 exports the keys from TLS when asked").isTrue();
      assertThat(o.topology()).hasToString("SUBNET");
      assertThat(o.ifconfig().orElseThrow().address()).startsWith("10.8.0.");
      assertThat(o.ifconfig().orElseThrow().second()).isEqualTo("255.255.255.0");
      assertThat(o.routeGateway()).contains("10.8.0.1");
      assertThat(o.peerId()).isPresent();
      assertThat(o.ping()).hasValue(10);
      assertThat(o.pingRestart()).hasValue(60); // keepalive 10 60: the server pushes 10 and 60
      assertThat(o.controlChannelExit()).isTrue();
      System.out.println("stock 2.6 server pushed: " + o.all());
      assertThat(pingThroughTunnel(d, o))
          .as("echo reply through the tunnel; drops %s%nserver log:%n%s", d.drops(), srv.log())
          .isTrue();
    }
  }

  @Test
  void prfKeysAndChaCha20WhenTheClientDoesNotExport() throws Exception {
    ClientConfig config =
        config(ControlChannel.TLS_CRYPT, "CHACHA20-POLY1305", "").toBuilder()
            .announceKeyExport(false)
            .build();
    try (OpenVpnProcess srv = stockServer(ControlChannel.TLS_CRYPT, "server-prf", "");
        UdpClientDriver d = UdpClientDriver.open(client, LOCAL, SERVER, config)) {
      PushedOptions o = connect(d, srv);
      assertThat(d.session().tlsKeyExport()).isFalse();
      assertThat(d.session().cipher()).isEqualTo(AeadCipher.CHACHA20_POLY1305);
      assertThat(pingThroughTunnel(d, o)).as("server log:%n%s", srv.log()).isTrue();
    }
  }

  @Test
  void theClientRenegotiatesAtRenegSecAndTheTunnelKeepsWorking() throws Exception {
    try (OpenVpnProcess srv = stockServer(ControlChannel.TLS_CRYPT, "server-client-reneg", "");
        UdpClientDriver d =
            UdpClientDriver.open(
                client,
                LOCAL,
                SERVER,
                config(ControlChannel.TLS_CRYPT, "AES-256-GCM", "reneg-sec 4\n"))) {
      PushedOptions o = connect(d, srv);
      renegotiated(d, srv, false);
      assertThat(pingThroughTunnel(d, o))
          .as("ping with the new keys; server log:%n%s", srv.log())
          .isTrue();
      renegotiated(d, srv, false); // and once more, key id 2
      assertThat(pingThroughTunnel(d, o)).isTrue();
    }
  }

  @Test
  void aRenegotiationTheServerStartsIsAnsweredAndTheTunnelKeepsWorking() throws Exception {
    try (OpenVpnProcess srv =
            stockServer(ControlChannel.TLS_AUTH, "server-server-reneg", "reneg-sec 4\n");
        UdpClientDriver d =
            UdpClientDriver.open(
                client, LOCAL, SERVER, config(ControlChannel.TLS_AUTH, "AES-256-GCM", ""))) {
      PushedOptions o = connect(d, srv);
      renegotiated(d, srv, true);
      assertThat(pingThroughTunnel(d, o))
          .as("ping with the new keys; server log:%n%s", srv.log())
          .isTrue();
    }
  }

  /** Waits for one more renegotiation, started by the server or by the client. */
  private static void renegotiated(UdpClientDriver d, OpenVpnProcess srv, boolean byServer)
      throws Exception {
    int before = d.events(ClientEvent.Renegotiated.class).size();
    boolean done =
        d.runUntil(
            x -> x.events(ClientEvent.Renegotiated.class).size() > before || x.session().isClosed(),
            Duration.ofSeconds(20));
    assertThat(done && d.session().isConnected())
        .as("renegotiated; close %s%nserver log:%n%s", d.session().closeReason(), srv.log())
        .isTrue();
    assertThat(d.events(ClientEvent.Renegotiated.class).getLast().byServer()).isEqualTo(byServer);
  }

  /**
   * A stock 2.6 server that refuses the client's certificate drops the session without sending its
   * TLS alert (unlike Braid's server, which sends it: see ClientSessionEndToEndTest), so the client
   * learns of it only when hand-window ends; the reason says so.
   */
  @Test
  void aCertificateFromAnotherCaEndsAtHandWindowWithTheLikelyCauseNamed() throws Exception {
    pki.foreignClient("intruder");
    String text =
        profile(ControlChannel.TLS_CRYPT, "AES-256-GCM", "hand-window 10\n")
            .replace(
                Files.readString(pki.file("site.crt")).strip(),
                Files.readString(pki.file("intruder.crt")).strip())
            .replace(
                Files.readString(pki.file("site.key")).strip(),
                Files.readString(pki.file("intruder.key")).strip());
    ClientConfig config = ClientConfigs.fromProfile(ClientProfileParser.parse(text), false);
    try (OpenVpnProcess srv = stockServer(ControlChannel.TLS_CRYPT, "server-foreign", "");
        UdpClientDriver d = UdpClientDriver.open(client, LOCAL, SERVER, config)) {
      d.runUntil(x -> x.session().isClosed(), Duration.ofSeconds(20));
      CloseReason r = d.session().closeReason();
      System.out.println("stock 2.6 server refusing a foreign certificate: " + r);
      assertThat(r).as("server log:%n%s", srv.log()).isNotNull();
      assertThat(r.kind()).isEqualTo(CloseReason.Kind.HANDSHAKE_TIMEOUT);
      assertThat(r.detail()).contains("it may have refused this client's certificate");
      // the JDK presents no certificate from a CA the server does not name: the server says so
      assertThat(srv.log())
          .contains("peer did not return a certificate")
          .contains("TLS Error: TLS handshake failed");
    }
  }

  @Test
  void exitNotificationEndsTheServersClientInstanceAtOnce() throws Exception {
    try (OpenVpnProcess srv = stockServer(ControlChannel.TLS_CRYPT, "server-exit", "verb 4\n");
        UdpClientDriver d =
            UdpClientDriver.open(
                client, LOCAL, SERVER, config(ControlChannel.TLS_CRYPT, "AES-256-GCM", ""))) {
      connect(d, srv);
      d.closeSession();
      d.runUntil(x -> x.session().isClosed(), Duration.ofSeconds(5));
      assertThat(d.session().closeReason().kind()).isEqualTo(CloseReason.Kind.CLIENT_EXIT);
      assertThat(srv.awaitLine("client-instance exiting", Duration.ofSeconds(10)))
          .as("server log:%n%s", srv.log())
          .isPresent();
    }
  }
}
