package dev.braid.agent.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

class TcpPeerTest {
  private static final InetSocketAddress PEER = new InetSocketAddress("198.51.100.4", 50000);

  /** Replays scripted read results: byte arrays, or Integers (0 = EOF, negative = -errno). */
  private static final class ScriptedEndpoint implements StreamEndpoint {
    final Deque<Object> reads = new ArrayDeque<>();
    final Deque<Integer> writeResults = new ArrayDeque<>();
    boolean closed;
    boolean shutdown;

    @Override
    public int read(ByteBuffer dst) {
      Object next = reads.isEmpty() ? -LinuxErrno.EAGAIN : reads.poll();
      if (next instanceof byte[] bytes) {
        dst.put(bytes);
        return bytes.length;
      }
      return (Integer) next;
    }

    @Override
    public int write(ByteBuffer src) {
      int rc = writeResults.isEmpty() ? src.remaining() : writeResults.poll();
      if (rc > 0) {
        src.position(src.position() + rc);
      }
      return rc;
    }

    @Override
    public void shutdownOutput() {
      shutdown = true;
    }

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public InetSocketAddress remoteAddress() {
      return PEER;
    }

    @Override
    public boolean isMptcp() {
      return false;
    }
  }

  private final ScriptedEndpoint endpoint = new ScriptedEndpoint();
  private final StandInFrameDecoder decoder = new StandInFrameDecoder(1500);
  private final DisconnectCounters counters = new DisconnectCounters();
  private final TcpPeer peer = new TcpPeer(endpoint, decoder, counters, 8);

  @Test
  void framesSplitAcrossReadsReachTheDecoder() {
    byte[] framed = StandInFrameDecoder.frame("hello world".getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < framed.length; i += 5) {
      endpoint.reads.add(java.util.Arrays.copyOfRange(framed, i, Math.min(framed.length, i + 5)));
    }
    assertThat(peer.onReadable()).isEqualTo(TcpPeer.ReadState.OPEN);
    assertThat(decoder.frames()).hasSize(1);
    assertThat(new String(decoder.frames().getFirst(), StandardCharsets.US_ASCII))
        .isEqualTo("hello world");
    assertThat(peer.bytesIn()).isEqualTo(framed.length);
  }

  @Test
  void zeroLengthPrefixEndsAsProtocolError() {
    endpoint.reads.add(new byte[] {0, 0, 1});
    assertThat(peer.onReadable()).isEqualTo(TcpPeer.ReadState.ENDED);
    assertThat(peer.disconnect().cause()).isEqualTo(DisconnectCause.PROTOCOL_ERROR);
    assertThat(peer.disconnect().detail()).contains("length prefix 0");
    assertThat(endpoint.closed).isTrue();
    assertThat(counters.get(DisconnectCause.PROTOCOL_ERROR)).isEqualTo(1);
  }

  @Test
  void oversizedLengthPrefixEndsAsProtocolError() {
    endpoint.reads.add(new byte[] {(byte) 0xFF, (byte) 0xFF});
    peer.onReadable();
    assertThat(peer.disconnect().cause()).isEqualTo(DisconnectCause.PROTOCOL_ERROR);
  }

  @Test
  void finLeavesThePeerHalfOpenThenCloseIsClean() {
    endpoint.reads.add(0);
    assertThat(peer.onReadable()).isEqualTo(TcpPeer.ReadState.PEER_FINISHED);
    assertThat(endpoint.closed).isFalse();
    peer.close("peer finished");
    assertThat(peer.disconnect().cause()).isEqualTo(DisconnectCause.CLEAN_CLOSE);
    assertThat(counters.get(DisconnectCause.CLEAN_CLOSE)).isEqualTo(1);
  }

  @Test
  void writeAfterFinThatHitsEpipeIsAbortAfterFin() {
    endpoint.reads.add(0);
    peer.onReadable();
    endpoint.writeResults.add(-LinuxErrno.EPIPE);
    assertThat(peer.send(ByteBuffer.wrap(new byte[10]))).isEqualTo(-LinuxErrno.EPIPE);
    assertThat(peer.state()).isEqualTo(TcpPeer.ReadState.ENDED);
    assertThat(peer.disconnect().cause()).isEqualTo(DisconnectCause.ABORT_AFTER_FIN);
    assertThat(counters.get(DisconnectCause.ABORT_AFTER_FIN)).isEqualTo(1);
  }

  @Test
  void eagainOnWriteKeepsTheConnection() {
    endpoint.writeResults.add(-LinuxErrno.EAGAIN);
    assertThat(peer.send(ByteBuffer.wrap(new byte[10]))).isEqualTo(-LinuxErrno.EAGAIN);
    assertThat(peer.state()).isEqualTo(TcpPeer.ReadState.OPEN);
  }

  @Test
  void readResetIsCountedOnceAndCloseAfterwardsChangesNothing() {
    endpoint.reads.add(-LinuxErrno.ECONNRESET);
    peer.onReadable();
    peer.close("cleanup");
    assertThat(peer.disconnect().cause()).isEqualTo(DisconnectCause.RESET);
    assertThat(counters.snapshot().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1);
  }

  @Test
  void queuedPacketsGoOutFramedAndAFullSendBufferKeepsTheRestInOrder() {
    ByteBuffer gather = ByteBuffer.allocate(64);
    assertThat(peer.queue(ByteBuffer.wrap(new byte[] {1, 2, 3}), 100)).isTrue();
    assertThat(peer.queue(ByteBuffer.wrap(new byte[] {4, 5}), 100)).isTrue();
    assertThat(peer.pendingBytes()).isEqualTo(9);
    endpoint.writeResults.add(6); // the kernel takes the first frame and one byte of the next

    assertThat(peer.flush(gather)).as("blocked on a full send buffer").isTrue();
    assertThat(peer.pendingBytes()).isEqualTo(3);
    assertThat(peer.framesOut()).isEqualTo(1);
    endpoint.writeResults.add(-LinuxErrno.EAGAIN);
    assertThat(peer.flush(gather)).as("still blocked").isTrue();
    assertThat(peer.pendingBytes()).isEqualTo(3);
    assertThat(peer.flush(gather)).isFalse();
    assertThat(peer.pendingBytes()).isZero();
    assertThat(peer.framesOut()).isEqualTo(2);
    assertThat(peer.bytesOut()).isEqualTo(9);
    assertThat(peer.state()).isEqualTo(TcpPeer.ReadState.OPEN);
  }

  @Test
  void aPeerThatDoesNotReadIsRefusedMoreOutputAndAFailedWriteEndsIt() {
    assertThat(peer.queue(ByteBuffer.wrap(new byte[10]), 5)).isTrue();
    assertThat(peer.queue(ByteBuffer.wrap(new byte[10]), 5)).as("over the limit").isFalse();
    endpoint.writeResults.add(-LinuxErrno.ECONNRESET);

    assertThat(peer.flush(ByteBuffer.allocate(64))).isFalse();
    assertThat(peer.state()).isEqualTo(TcpPeer.ReadState.ENDED);
    assertThat(peer.disconnect().cause()).isEqualTo(DisconnectCause.RESET);
    assertThat(peer.queue(ByteBuffer.wrap(new byte[1]), 5)).as("after the end").isFalse();
  }
}
