package dev.braid.agent.openvpn.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.openvpn.reliable.SimulatedLink.Direction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Seed 000: the peer acknowledges every control packet in its own P_ACK_V1 and does not repeat ACKs
 * (OpenVPN 2.5 and other older peers); the ACK for message 8 is lost; the server keeps sending
 * until id 8 alone holds its send window shut ("ACK output sequence broken"). All times are
 * simulated.
 */
class SeedStallTest {
  private static final long MS = 1_000_000L;
  private static final long ONE_WAY = 20 * MS;
  private static final int MESSAGES = 20;
  private static final int LOST_ACK_ID = 8;

  @Test
  void oneLostAckStallsUpstream25UntilItsTimerButNotBraid() {
    long upstream = delayCausedBy(ReliableConfig.upstream25(), () -> firstAckOf(LOST_ACK_ID));
    long braid = delayCausedBy(ReliableConfig.braid(), () -> firstAckOf(LOST_ACK_ID));

    // upstream waits for the fixed 2 s timer of id 8 ("ACK output sequence broken: 12 8")
    assertThat(upstream).isGreaterThan(1_800 * MS);
    // braid resends id 8 as soon as a later id is acknowledged while 8 blocks the window
    assertThat(braid).isLessThanOrEqualTo(2 * 2 * ONE_WAY);
  }

  @Test
  void lostAckThenLostResendStallsUpstream26ForSecondsButBraidOnlyForItsMeasuredTimeout() {
    Supplier<SimulatedLink.LossRule> ackAndFirstResend =
        () -> either(firstAckOf(LOST_ACK_ID), nthCopyOf(LOST_ACK_ID, 2));
    long upstream = delayCausedBy(ReliableConfig.upstream26(), ackAndFirstResend);
    long braid = delayCausedBy(ReliableConfig.braid(), ackAndFirstResend);

    // 2.6 resends id 8 early (fast retransmit), but that copy is lost and the timer was doubled to
    // 4 s
    assertThat(upstream).isGreaterThan(3_500 * MS);
    // braid's timer follows the measured 40 ms round trip (floored at 200 ms)
    assertThat(braid).isLessThan(400 * MS);
  }

  @Test
  void reAckingRecentIdsRepairsTheLostAckWithoutAnyResend() {
    SimulatedLink link =
        new SimulatedLink(
            ReliableConfig.braid(), ReliableConfig.braid(), ONE_WAY, firstAckOf(LOST_ACK_ID));
    sendAll(link);
    link.runUntilQuiet(120_000 * MS);

    assertDeliveredInOrder(link.deliveredToClient);
    assertThat(link.droppedPerDirection[Direction.CLIENT_TO_SERVER.ordinal()]).isEqualTo(1);
    SenderCounters c = link.server.sender().counters();
    assertThat(c.resentFast() + c.resentBlocked() + c.resentTimeout()).isZero();
  }

  /**
   * Simulated completion time with the loss rule minus completion time without loss, same config.
   */
  private static long delayCausedBy(
      ReliableConfig serverConfig, Supplier<SimulatedLink.LossRule> loss) {
    SimulatedLink clean = run(serverConfig, (dir, nth, s) -> false);
    SimulatedLink lossy = run(serverConfig, loss.get());
    SenderCounters c = lossy.server.sender().counters();
    System.out.printf(
        "%-13s lossless %5d ms, with loss %5d ms (+%5d ms)  resends: timeout=%d fast=%d blocked=%d%n",
        serverConfig.equals(ReliableConfig.braid()) ? "braid" : "upstream",
        clean.now / MS,
        lossy.now / MS,
        (lossy.now - clean.now) / MS,
        c.resentTimeout(),
        c.resentFast(),
        c.resentBlocked());
    return lossy.now - clean.now;
  }

  private static SimulatedLink run(ReliableConfig serverConfig, SimulatedLink.LossRule loss) {
    SimulatedLink link =
        new SimulatedLink(serverConfig, ReliableConfig.upstream25(), ONE_WAY, loss);
    sendAll(link);
    link.runUntilQuiet(120_000 * MS);
    assertDeliveredInOrder(link.deliveredToClient);
    assertThat(link.server.sender().isIdle()).isTrue();
    return link;
  }

  private static void sendAll(SimulatedLink link) {
    for (int i = 0; i < MESSAGES; i++) {
      link.server.send(4, ("msg-" + i).getBytes(StandardCharsets.US_ASCII));
    }
  }

  static void assertDeliveredInOrder(List<byte[]> delivered) {
    assertThat(delivered.stream().map(b -> new String(b, StandardCharsets.US_ASCII)))
        .containsExactlyElementsOf(IntStream.range(0, MESSAGES).mapToObj(i -> "msg-" + i).toList());
  }

  /** Drops the first client ACK packet that acknowledges {@code id}. */
  static SimulatedLink.LossRule firstAckOf(int id) {
    boolean[] done = {false};
    return (dir, nth, s) -> {
      if (done[0] || dir != Direction.CLIENT_TO_SERVER || !contains(s.acks(), id)) {
        return false;
      }
      done[0] = true;
      return true;
    };
  }

  /** Drops the {@code copy}-th transmission (1-based) of message {@code id} from the server. */
  static SimulatedLink.LossRule nthCopyOf(int id, int copy) {
    int[] seen = {0};
    return (dir, nth, s) ->
        dir == Direction.SERVER_TO_CLIENT
            && s.hasMessage()
            && s.messageId() == id
            && ++seen[0] == copy;
  }

  static SimulatedLink.LossRule either(SimulatedLink.LossRule a, SimulatedLink.LossRule b) {
    return (dir, nth, s) -> a.drop(dir, nth, s) | b.drop(dir, nth, s);
  }

  private static boolean contains(int[] ids, int id) {
    return IntStream.of(ids).anyMatch(x -> x == id);
  }
}
