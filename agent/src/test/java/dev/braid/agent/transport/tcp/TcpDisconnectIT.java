package dev.braid.agent.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.engine.TcpSocketStream;
import dev.braid.agent.nativeio.TcpListener;
import dev.braid.agent.nativeio.TcpOptions;
import dev.braid.agent.nativeio.TcpSocket;
import dev.braid.agent.testing.NetNs;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seed 002 on a real kernel: the gateway's listener in one namespace, a JDK-socket peer in another,
 * joined by a veth pair. Each way of ending a connection must be recorded as its own cause, and the
 * errno-only classifier, fed the very same events, must confuse abort-after-FIN with reset.
 */
class TcpDisconnectIT {
  private static final String GW_V4 = "10.211.0.1";
  private static final String PEER_V4 = "10.211.0.2";
  private static final String GW_V6 = "fd00:211::1";
  private static final String PEER_V6 = "fd00:211::2";
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Duration MPTCP_LINGER_DEADLINE = Duration.ofSeconds(120);
  private static final long DEADLINE_NANOS = DEADLINE.toNanos();

  private static NetNs gateway;
  private static NetNs peer;

  private final DisconnectCounters counters = new DisconnectCounters();
  private TcpListener listener;

  @BeforeAll
  static void topology() throws IOException {
    gateway = NetNs.create("tcpgw");
    peer = NetNs.create("tcppeer");
    gateway.exec("sysctl", "-q", "-w", "net.mptcp.enabled=1");
    peer.exec("sysctl", "-q", "-w", "net.mptcp.enabled=1");
    gateway.veth("gw0", peer, "eth0");
    gateway.ip("addr", "add", GW_V4 + "/24", "dev", "gw0");
    gateway.ip("addr", "add", GW_V6 + "/64", "dev", "gw0", "nodad");
    peer.ip("addr", "add", PEER_V4 + "/24", "dev", "eth0");
    peer.ip("addr", "add", PEER_V6 + "/64", "dev", "eth0", "nodad");
  }

  @AfterAll
  static void cleanUp() throws IOException {
    try {
      if (peer != null) {
        peer.close();
      }
    } finally {
      if (gateway != null) {
        gateway.close();
      }
    }
  }

  @BeforeEach
  void listen() throws Exception {
    // Dual stack: one [::] listener serves the IPv4 and the IPv6 peers below.
    TcpOptions options = TcpOptions.defaults().withUserTimeout(Duration.ofSeconds(2));
    listener =
        gateway.call(
            () ->
                TcpListener.open(
                    new InetSocketAddress(InetAddress.getByName("::"), 0),
                    TcpListener.Options.defaults().withConnectionOptions(options)));
  }

  @AfterEach
  void stopListening() throws IOException {
    listener.close();
    peer.exec("nft", "flush", "ruleset");
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void peerFinThenOurCloseIsCleanClose(ClientKind kind) throws Exception {
    try (Client client = connect(kind, GW_V4)) {
      Accepted server = accept(kind);
      client.send("hello");
      client.shutdownOutput();
      awaitState(server, TcpPeer.ReadState.PEER_FINISHED);
      assertThat(server.decoder.frames()).hasSize(1);
      server.peer.close("peer finished");

      assertEnded(server, DisconnectCause.CLEAN_CLOSE);
      assertThat(server.connection.remoteAddress().getAddress())
          .isEqualTo(InetAddress.getByName(PEER_V4));
      // The peer sees our FIN: an orderly end on both sides.
      assertThat(client.readsEndOfStream()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void peerFinThenResetOfOurWritesIsAbortAfterFin(ClientKind kind) throws Exception {
    Accepted server;
    try (Client client = connect(kind, GW_V4)) {
      server = accept(kind);
      client.send("bye");
    } // The peer closes with nothing unread: a FIN.
    awaitState(server, TcpPeer.ReadState.PEER_FINISHED);
    // We keep writing into the half-closed connection; the closed peer answers with a reset. An
    // MPTCP peer that closed keeps acknowledging (its orphaned socket lingers TCP_TIMEWAIT_LEN,
    // 60 s, whatever net.mptcp.close_timeout says: net/mptcp/ctrl.c) and only then resets.
    long start = System.nanoTime();
    writeUntilEnded(server, true, kind == ClientKind.MPTCP ? MPTCP_LINGER_DEADLINE : DEADLINE);
    System.out.printf(
        "%s: our writes after the peer's FIN were reset after %d ms%n",
        kind, Duration.ofNanos(System.nanoTime() - start).toMillis());

    Disconnect d = assertEnded(server, DisconnectCause.ABORT_AFTER_FIN);
    assertThat(d.errno()).isEqualTo(LinuxErrno.EPIPE);
    assertThat(naive(server).cause()).isEqualTo(DisconnectCause.RESET);
  }

  @Test
  void resetReachingUsBeforeWeReadTheFinIsStillAbortAfterFin() throws Exception {
    Accepted server;
    try (Client client = connect(ClientKind.TCP, GW_V6)) {
      server = accept(ClientKind.TCP);
    }
    // The FIN has arrived (the socket is readable) but is deliberately not read: only the writer
    // meets the reset, and its EPIPE alone must tell that the peer had closed.
    assertThat(server.connection.awaitReadable(20_000)).isTrue();
    writeUntilEnded(server, false, DEADLINE);

    Disconnect d = assertEnded(server, DisconnectCause.ABORT_AFTER_FIN);
    assertThat(d.errno()).isEqualTo(LinuxErrno.EPIPE);
    assertThat(server.peer.classifier().finSeen()).isFalse();
    assertThat(naive(server).cause()).isEqualTo(DisconnectCause.RESET);
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void bareResetIsReset(ClientKind kind) throws Exception {
    Accepted server;
    try (Client client = connect(kind, GW_V6)) {
      server = accept(kind);
      client.send("crash");
      assertThat(server.connection.awaitReadable(20_000)).isTrue();
      client.abort(); // SO_LINGER 0: the close sends a reset and no FIN.
    }
    readUntilEnded(server);

    Disconnect d = assertEnded(server, DisconnectCause.RESET);
    assertThat(d.errno()).isEqualTo(LinuxErrno.ECONNRESET);
    assertThat(d.peer().getAddress()).isEqualTo(InetAddress.getByName(PEER_V6));
    assertThat(server.decoder.frames()).hasSize(1);
    assertThat(naive(server).cause()).isEqualTo(DisconnectCause.RESET);
  }

  @Test
  void silentPeerIsTimeoutAfterUserTimeout() throws Exception {
    try (Client client = connect(ClientKind.TCP, GW_V4)) {
      Accepted server = accept(ClientKind.TCP);
      blackholePeer();
      // Unacknowledged data: TCP_USER_TIMEOUT (2 s) ends the connection with ETIMEDOUT.
      writeUntilEnded(server, true, DEADLINE);

      Disconnect d = assertEnded(server, DisconnectCause.TIMEOUT);
      assertThat(d.errno()).isEqualTo(LinuxErrno.ETIMEDOUT);
    }
  }

  @Test
  void silentIdlePeerIsTimeoutAfterKeepaliveProbes() throws Exception {
    // No data in flight, no user timeout: only keepalive notices that the peer is gone.
    TcpOptions keepaliveOnly =
        TcpOptions.defaults().withKeepalive(Duration.ofSeconds(1), Duration.ofSeconds(1), 2);
    listener.close();
    listener =
        gateway.call(
            () ->
                TcpListener.open(
                    new InetSocketAddress(InetAddress.getByName("::"), 0),
                    TcpListener.Options.defaults().withConnectionOptions(keepaliveOnly)));
    try (Client client = connect(ClientKind.TCP, GW_V6)) {
      Accepted server = accept(ClientKind.TCP);
      blackholePeer();
      readUntilEnded(server);

      Disconnect d = assertEnded(server, DisconnectCause.TIMEOUT);
      assertThat(d.errno()).isEqualTo(LinuxErrno.ETIMEDOUT);
      assertThat(server.peer.bytesOut()).isZero();
    }
  }

  @Test
  void zeroLengthPrefixIsProtocolErrorAndWeClose() throws Exception {
    try (Client client = connect(ClientKind.TCP, GW_V4)) {
      Accepted server = accept(ClientKind.TCP);
      client.sendRaw(new byte[] {0, 0, 42});
      readUntilEnded(server);

      Disconnect d = assertEnded(server, DisconnectCause.PROTOCOL_ERROR);
      assertThat(d.detail()).contains("length prefix 0");
      assertThat(client.readsEndOfStream()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void ourCloseWithoutPeerFinIsLocalCloseWithReason(ClientKind kind) throws Exception {
    try (Client client = connect(kind, GW_V4)) {
      Accepted server = accept(kind);
      server.peer.close("agent shutting down");

      Disconnect d = assertEnded(server, DisconnectCause.LOCAL_CLOSE);
      assertThat(d.detail()).isEqualTo("agent shutting down");
      assertThat(client.readsEndOfStream()).isTrue();
    }
  }

  private static void blackholePeer() throws IOException {
    peer.exec("nft", "add", "table", "inet", "braid_blackhole");
    for (String hook : new String[] {"input", "output"}) {
      peer.exec(
          "nft",
          "add",
          "chain",
          "inet",
          "braid_blackhole",
          hook,
          "{ type filter hook " + hook + " priority 0 ; policy drop ; }");
    }
  }

  /** The server side of one connection. */
  private record Accepted(TcpSocket connection, TcpPeer peer, StandInFrameDecoder decoder) {}

  private Accepted accept(ClientKind kind) throws IOException {
    assertThat(listener.awaitAcceptable(20_000)).as("a pending connection").isTrue();
    TcpSocket connection = listener.accept();
    assertThat(connection).isNotNull();
    assertThat(connection.isMptcp()).as("accepted over MPTCP").isEqualTo(kind == ClientKind.MPTCP);
    StandInFrameDecoder decoder = new StandInFrameDecoder(1500);
    return new Accepted(
        connection, new TcpPeer(new TcpSocketStream(connection), decoder, counters, 4096), decoder);
  }

  private Client connect(ClientKind kind, String gatewayAddress) throws Exception {
    InetSocketAddress target =
        new InetSocketAddress(
            InetAddress.getByName(gatewayAddress), listener.localAddress().getPort());
    return peer.call(
        () -> kind == ClientKind.TCP ? new JdkClient(target) : new MptcpClient(target));
  }

  /** Who plays the peer: a JDK socket (plain TCP) or a nativeio MPTCP connection. */
  enum ClientKind {
    TCP,
    MPTCP
  }

  /** The peer's side: what the scenarios do to the connection. */
  private interface Client extends AutoCloseable {
    /** Sends {@code text} as one length-prefixed frame. */
    default void send(String text) throws IOException {
      sendRaw(StandInFrameDecoder.frame(text.getBytes(StandardCharsets.US_ASCII)));
    }

    void sendRaw(byte[] bytes) throws IOException;

    void shutdownOutput() throws IOException;

    /** Waits (up to 20 s) for the gateway's FIN. */
    boolean readsEndOfStream() throws IOException;

    /** Closes with a reset (SO_LINGER 0). */
    void abort() throws IOException;

    /** Closes normally: a FIN when nothing is left unread. */
    @Override
    void close() throws IOException;
  }

  private static final class JdkClient implements Client {
    private final Socket socket = new Socket();

    JdkClient(InetSocketAddress target) throws IOException {
      socket.connect(target, 10_000);
    }

    @Override
    public void sendRaw(byte[] bytes) throws IOException {
      OutputStream out = socket.getOutputStream();
      out.write(bytes);
      out.flush();
    }

    @Override
    public void shutdownOutput() throws IOException {
      socket.shutdownOutput();
    }

    @Override
    public boolean readsEndOfStream() throws IOException {
      socket.setSoTimeout(20_000);
      return socket.getInputStream().read() == -1;
    }

    @Override
    public void abort() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static final class MptcpClient implements Client {
    private final TcpSocket connection;

    MptcpClient(InetSocketAddress target) throws IOException {
      connection = TcpSocket.connect(target, true, TcpOptions.defaults(), Duration.ofSeconds(10));
      assertThat(connection.isMptcp()).as("client runs MPTCP").isTrue();
    }

    @Override
    public void sendRaw(byte[] bytes) {
      ByteBuffer out = ByteBuffer.wrap(bytes);
      while (out.hasRemaining()) {
        assertThat(connection.write(out)).as("client write").isPositive();
      }
    }

    @Override
    public void shutdownOutput() throws IOException {
      connection.shutdownOutput();
    }

    @Override
    public boolean readsEndOfStream() throws IOException {
      return connection.awaitReadable(20_000) && connection.read(ByteBuffer.allocate(16)) == 0;
    }

    @Override
    public void abort() throws IOException {
      connection.abort();
    }

    @Override
    public void close() throws IOException {
      connection.close();
    }
  }

  /** Reads as data arrives until the peer reaches {@code wanted} (or the connection ends). */
  private static void awaitState(Accepted server, TcpPeer.ReadState wanted) throws IOException {
    long start = System.nanoTime();
    while (server.peer.state() != wanted && server.peer.state() != TcpPeer.ReadState.ENDED) {
      assertThat(System.nanoTime() - start)
          .as("time waiting for " + wanted)
          .isLessThan(DEADLINE_NANOS);
      if (server.connection.awaitReadable(500)) {
        server.peer.onReadable();
      }
    }
    assertThat(server.peer.state()).isEqualTo(wanted);
  }

  /**
   * Writes a frame per round until the connection ends. Between rounds it waits up to 200 ms for
   * news (data, FIN, error) and reads it when {@code readBetween} and no FIN has been read;
   * otherwise it polls every 50 ms, because a FIN keeps the socket readable.
   */
  private static void writeUntilEnded(Accepted server, boolean readBetween, Duration deadline)
      throws IOException, InterruptedException {
    ByteBuffer frame = ByteBuffer.wrap(StandInFrameDecoder.frame(new byte[512]));
    long start = System.nanoTime();
    while (server.peer.state() != TcpPeer.ReadState.ENDED) {
      assertThat(System.nanoTime() - start).as("time until the end").isLessThan(deadline.toNanos());
      frame.rewind();
      if (server.peer.send(frame) < 0 && server.peer.state() == TcpPeer.ReadState.ENDED) {
        return;
      }
      if (readBetween && server.peer.state() == TcpPeer.ReadState.OPEN) {
        if (server.connection.awaitReadable(200)) {
          server.peer.onReadable();
        }
      } else {
        Thread.sleep(50);
      }
    }
  }

  /** Reads as data arrives until the connection ends. */
  private static void readUntilEnded(Accepted server) throws IOException {
    long start = System.nanoTime();
    while (server.peer.state() == TcpPeer.ReadState.OPEN) {
      assertThat(System.nanoTime() - start).as("time until the end").isLessThan(DEADLINE_NANOS);
      if (server.connection.awaitReadable(500)) {
        server.peer.onReadable();
      }
    }
    assertThat(server.peer.state()).isEqualTo(TcpPeer.ReadState.ENDED);
  }

  private Disconnect assertEnded(Accepted server, DisconnectCause cause) {
    Disconnect d = server.peer.disconnect();
    assertThat(d).as("disconnect").isNotNull();
    assertThat(d.cause()).as(d.describe()).isEqualTo(cause);
    assertThat(counters.get(cause)).isEqualTo(1);
    assertThat(counters.snapshot().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1);
    assertThat(server.connection.fd().isOpen()).isFalse();
    return d;
  }

  /** The errno-only classifier's verdict on the events this connection produced. */
  private static Disconnect naive(Accepted server) {
    return DisconnectClassifier.replay(
        server.peer.disconnect().peer(), server.peer.classifier().events(), true);
  }
}
