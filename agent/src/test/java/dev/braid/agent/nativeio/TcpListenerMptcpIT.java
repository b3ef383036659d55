package dev.braid.agent.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.agent.testing.NetNs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 004: the gateway listener uses MPTCP where the namespace's kernel offers it and says why
 * when it does not, instead of failing silently. Two gateway namespaces, one with {@code
 * net.mptcp.enabled=1} and one with 0, each joined to a client namespace (MPTCP enabled).
 */
class TcpListenerMptcpIT {
  private static final TcpOptions OPTIONS =
      TcpOptions.defaults()
          .withUserTimeout(Duration.ofSeconds(30))
          .withKeepalive(Duration.ofSeconds(10), Duration.ofSeconds(5), 3);

  private static NetNs client;
  private static NetNs mptcpGateway;
  private static NetNs tcpGateway;

  @BeforeAll
  static void topology() throws IOException {
    client = NetNs.create("mpcli");
    mptcpGateway = NetNs.create("mpgw");
    tcpGateway = NetNs.create("tcpgw");
    client.exec("sysctl", "-q", "-w", "net.mptcp.enabled=1");
    mptcpGateway.exec("sysctl", "-q", "-w", "net.mptcp.enabled=1");
    tcpGateway.exec("sysctl", "-q", "-w", "net.mptcp.enabled=0");
    mptcpGateway.veth("gw0", client, "mp0");
    mptcpGateway.ip("addr", "add", "10.212.0.1/24", "dev", "gw0");
    mptcpGateway.ip("addr", "add", "fd00:212::1/64", "dev", "gw0", "nodad");
    client.ip("addr", "add", "10.212.0.2/24", "dev", "mp0");
    client.ip("addr", "add", "fd00:212::2/64", "dev", "mp0", "nodad");
    tcpGateway.veth("gw0", client, "tcp0");
    tcpGateway.ip("addr", "add", "10.213.0.1/24", "dev", "gw0");
    client.ip("addr", "add", "10.213.0.2/24", "dev", "tcp0");
  }

  @AfterAll
  static void cleanUp() throws IOException {
    for (NetNs ns : new NetNs[] {client, mptcpGateway, tcpGateway}) {
      if (ns != null) {
        ns.close();
      }
    }
  }

  @Test
  void listenerIsMptcpAndCarriesAnMptcpConnection() throws Exception {
    try (TcpListener listener = listen(mptcpGateway, "::");
        TcpSocket outbound = connect("10.212.0.1", listener, true)) {
      assertThat(listener.isMptcp()).isTrue();
      assertThat(listener.protocol().reason()).isNull();
      try (TcpSocket inbound = accept(listener)) {
        assertThat(inbound.isMptcp()).isTrue();
        assertThat(outbound.isMptcp()).isTrue();
        System.out.println(
            "MPTCP options not applied by the kernel: " + inbound.unappliedOptions());
        exchange(outbound, inbound, "over mptcp");
        exchange(inbound, outbound, "and back");
      }
    }
  }

  @Test
  void mptcpListenerAcceptsPlainTcpClientsAsTcp() throws Exception {
    try (TcpListener listener = listen(mptcpGateway, "::");
        TcpSocket outbound = connect("fd00:212::1", listener, false);
        TcpSocket inbound = accept(listener)) {
      assertThat(listener.isMptcp()).isTrue();
      assertThat(inbound.isMptcp()).isFalse();
      assertThat(inbound.unappliedOptions()).isEmpty();
      exchange(outbound, inbound, "plain tcp on an mptcp listener");
    }
  }

  @Test
  void withMptcpDisabledTheListenerFallsBackToTcpAndSaysWhy() throws Exception {
    try (TcpListener listener = listen(tcpGateway, "0.0.0.0");
        TcpSocket outbound = connect("10.213.0.1", listener, true);
        TcpSocket inbound = accept(listener)) {
      assertThat(listener.isMptcp()).isFalse();
      assertThat(listener.protocol().reason())
          .contains("net.mptcp.enabled=0")
          .contains("socket(IPPROTO_MPTCP)")
          .contains("ENOPROTOOPT");
      System.out.println("fallback reason: " + listener.protocol().reason());
      // The client asked for MPTCP; the TCP listener made it fall back.
      assertThat(outbound.isMptcp()).isFalse();
      assertThat(inbound.isMptcp()).isFalse();
      exchange(outbound, inbound, "fallback carries data");
    }
  }

  @Test
  void mptcpNotRequestedIsPlainTcp() throws Exception {
    try (TcpListener listener =
        mptcpGateway.call(
            () ->
                TcpListener.open(
                    new InetSocketAddress(InetAddress.getByName("::"), 0),
                    TcpListener.Options.defaults().withMptcp(false)))) {
      assertThat(listener.isMptcp()).isFalse();
      assertThat(listener.protocol().reason()).isEqualTo("MPTCP not requested");
    }
  }

  @Test
  void ipv6OnlyListenerRefusesIpv4Peers() throws Exception {
    try (TcpListener listener =
        mptcpGateway.call(
            () ->
                TcpListener.open(
                    new InetSocketAddress(InetAddress.getByName("::"), 0),
                    TcpListener.Options.defaults().withIpv6Only(true)))) {
      assertThatThrownBy(() -> connect("10.212.0.1", listener, false))
          .isInstanceOf(NativeIoException.class)
          .hasMessageContaining("connect")
          .extracting(e -> ((NativeIoException) e).errno())
          .isEqualTo(111); // ECONNREFUSED
      try (TcpSocket v6 = connect("fd00:212::1", listener, false);
          TcpSocket inbound = accept(listener)) {
        exchange(v6, inbound, "ipv6 only");
      }
    }
  }

  @Test
  void acceptWithNothingPendingReturnsNull() throws Exception {
    try (TcpListener listener = listen(mptcpGateway, "::")) {
      assertThat(listener.accept()).isNull();
    }
  }

  private static TcpListener listen(NetNs ns, String address) throws Exception {
    return ns.call(
        () ->
            TcpListener.open(
                new InetSocketAddress(InetAddress.getByName(address), 0),
                TcpListener.Options.defaults().withConnectionOptions(OPTIONS)));
  }

  private static TcpSocket connect(String address, TcpListener listener, boolean mptcp)
      throws Exception {
    InetSocketAddress target =
        new InetSocketAddress(InetAddress.getByName(address), listener.localAddress().getPort());
    return client.call(
        () -> TcpSocket.connect(target, mptcp, TcpOptions.defaults(), Duration.ofSeconds(10)));
  }

  private static TcpSocket accept(TcpListener listener) throws NativeIoException {
    assertThat(listener.awaitAcceptable(20_000)).as("pending connection").isTrue();
    TcpSocket accepted = listener.accept();
    assertThat(accepted).isNotNull();
    return accepted;
  }

  /** Sends {@code text} one way (direct buffer) and reads it on the other side (heap buffer). */
  private static void exchange(TcpSocket from, TcpSocket to, String text) throws NativeIoException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    while (out.hasRemaining()) {
      assertThat(from.write(out)).as("write").isPositive();
    }
    ByteBuffer in = ByteBuffer.allocate(bytes.length);
    while (in.hasRemaining()) {
      assertThat(to.awaitReadable(20_000)).as("data within 20 s").isTrue();
      assertThat(to.read(in)).as("read").isPositive();
    }
    assertThat(new String(in.array(), StandardCharsets.UTF_8)).isEqualTo(text);
  }
}
