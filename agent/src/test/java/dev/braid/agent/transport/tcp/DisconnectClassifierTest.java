package dev.braid.agent.transport.tcp;

import static dev.braid.agent.transport.tcp.LinuxErrno.ECONNRESET;
import static dev.braid.agent.transport.tcp.LinuxErrno.EHOSTUNREACH;
import static dev.braid.agent.transport.tcp.LinuxErrno.EPIPE;
import static dev.braid.agent.transport.tcp.LinuxErrno.ETIMEDOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class DisconnectClassifierTest {
  private static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.7", 40001);

  private static Disconnect classify(Consumer<DisconnectClassifier> events) {
    DisconnectClassifier c = DisconnectClassifier.forPeer(PEER);
    events.accept(c);
    return c.result();
  }

  @Test
  void finThenOurCloseIsClean() {
    Disconnect d =
        classify(
            c -> {
              c.endOfStream();
              c.localClose("peer finished");
            });
    assertThat(d.cause()).isEqualTo(DisconnectCause.CLEAN_CLOSE);
    assertThat(d.peer()).isEqualTo(PEER);
    assertThat(d.errno()).isZero();
  }

  @Test
  void finAloneDecidesNothing() {
    DisconnectClassifier c = DisconnectClassifier.forPeer(PEER);
    c.endOfStream();
    assertThat(c.isDecided()).isFalse();
    assertThat(c.finSeen()).isTrue();
  }

  @Test
  void finThenResetOnWriteIsAbortAfterFin() {
    // Linux: the reset reaches a CLOSE_WAIT socket, tcp_reset sets EPIPE.
    Disconnect d =
        classify(
            c -> {
              c.endOfStream();
              c.writeError(EPIPE);
            });
    assertThat(d.cause()).isEqualTo(DisconnectCause.ABORT_AFTER_FIN);
    assertThat(d.errno()).isEqualTo(EPIPE);
    assertThat(d.detail()).contains("FIN").contains("EPIPE");
  }

  @Test
  void finThenConnResetIsAbortAfterFin() {
    // After our own FIN as well (LAST_ACK), the kernel reports ECONNRESET.
    Disconnect d =
        classify(
            c -> {
              c.endOfStream();
              c.localShutdown();
              c.readError(ECONNRESET);
            });
    assertThat(d.cause()).isEqualTo(DisconnectCause.ABORT_AFTER_FIN);
  }

  @Test
  void epipeBeforeTheFinWasReadIsStillAbortAfterFin() {
    // The writer met the reset before the reader got to the EOF: EPIPE alone says CLOSE_WAIT.
    assertThat(classify(c -> c.writeError(EPIPE)).cause())
        .isEqualTo(DisconnectCause.ABORT_AFTER_FIN);
  }

  @Test
  void epipeAfterOurOwnShutdownIsNotBlamedOnThePeer() {
    Disconnect d =
        classify(
            c -> {
              c.localShutdown();
              c.writeError(EPIPE);
            });
    assertThat(d.cause()).isEqualTo(DisconnectCause.RESET);
  }

  @Test
  void bareResetIsReset() {
    assertThat(classify(c -> c.readError(ECONNRESET)).cause()).isEqualTo(DisconnectCause.RESET);
    assertThat(classify(c -> c.writeError(ECONNRESET)).cause()).isEqualTo(DisconnectCause.RESET);
  }

  @Test
  void timeoutIsTimeoutEvenAfterFin() {
    assertThat(classify(c -> c.writeError(ETIMEDOUT)).cause()).isEqualTo(DisconnectCause.TIMEOUT);
    Disconnect d =
        classify(
            c -> {
              c.endOfStream();
              c.readError(ETIMEDOUT);
            });
    assertThat(d.cause()).isEqualTo(DisconnectCause.TIMEOUT);
  }

  @Test
  void ourCloseWithoutFinKeepsTheReason() {
    Disconnect d = classify(c -> c.localClose("agent shutting down"));
    assertThat(d.cause()).isEqualTo(DisconnectCause.LOCAL_CLOSE);
    assertThat(d.detail()).isEqualTo("agent shutting down");
  }

  @Test
  void protocolErrorKeepsTheReason() {
    Disconnect d = classify(c -> c.protocolError("length prefix 0"));
    assertThat(d.cause()).isEqualTo(DisconnectCause.PROTOCOL_ERROR);
    assertThat(d.detail()).isEqualTo("length prefix 0");
  }

  @Test
  void otherErrnoIsErrorWithItsNumber() {
    Disconnect d = classify(c -> c.readError(EHOSTUNREACH));
    assertThat(d.cause()).isEqualTo(DisconnectCause.ERROR);
    assertThat(d.errno()).isEqualTo(EHOSTUNREACH);
    assertThat(d.describe()).contains("EHOSTUNREACH").contains("192.0.2.7");
  }

  @Test
  void firstTerminalEventWins() {
    Disconnect d =
        classify(
            c -> {
              c.readError(ECONNRESET);
              c.writeError(EPIPE);
              c.localClose("cleanup");
            });
    assertThat(d.cause()).isEqualTo(DisconnectCause.RESET);
    assertThat(d.errno()).isEqualTo(ECONNRESET);
  }

  @Test
  void errnoOnlyCannotTellAbortAfterFinFromResetButTheRealOneCan() {
    List<DisconnectClassifier.Event> abortAfterFin =
        events(
            c -> {
              c.endOfStream();
              c.writeError(EPIPE);
            });
    List<DisconnectClassifier.Event> bareReset = events(c -> c.readError(ECONNRESET));
    List<DisconnectClassifier.Event> epipeFirst = events(c -> c.writeError(EPIPE));

    assertThat(DisconnectClassifier.replay(PEER, abortAfterFin, true).cause())
        .isEqualTo(DisconnectClassifier.replay(PEER, bareReset, true).cause())
        .isEqualTo(DisconnectClassifier.replay(PEER, epipeFirst, true).cause())
        .isEqualTo(DisconnectCause.RESET);

    assertThat(DisconnectClassifier.replay(PEER, abortAfterFin, false).cause())
        .isEqualTo(DisconnectCause.ABORT_AFTER_FIN);
    assertThat(DisconnectClassifier.replay(PEER, epipeFirst, false).cause())
        .isEqualTo(DisconnectCause.ABORT_AFTER_FIN);
    assertThat(DisconnectClassifier.replay(PEER, bareReset, false).cause())
        .isEqualTo(DisconnectCause.RESET);
  }

  @Test
  void errnoOnlyAgreesWhereTheErrnoIsEnough() {
    List<DisconnectClassifier.Event> clean =
        events(
            c -> {
              c.endOfStream();
              c.localClose("done");
            });
    List<DisconnectClassifier.Event> timeout = events(c -> c.writeError(ETIMEDOUT));
    assertThat(DisconnectClassifier.replay(PEER, clean, true).cause())
        .isEqualTo(DisconnectCause.CLEAN_CLOSE);
    assertThat(DisconnectClassifier.replay(PEER, timeout, true).cause())
        .isEqualTo(DisconnectCause.TIMEOUT);
  }

  private static List<DisconnectClassifier.Event> events(Consumer<DisconnectClassifier> feed) {
    DisconnectClassifier c = DisconnectClassifier.forPeer(PEER);
    feed.accept(c);
    return c.events();
  }
}
