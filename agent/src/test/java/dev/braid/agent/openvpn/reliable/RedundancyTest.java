package dev.braid.agent.openvpn.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.openvpn.reliable.SimulatedLink.Direction;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ACK and message redundancy against a stock-2.6-like peer ({@link ReliableConfig#upstream26()}),
 * each mechanism shown with {@link ReliableConfig#withoutRedundancy()} as the old behaviour.
 */
class RedundancyTest {
  private static final long MS = 1_000_000L;
  private static final long ONE_WAY = 20 * MS;
  private static final ReliableConfig ON = ReliableConfig.braid();
  private static final ReliableConfig OFF = ReliableConfig.braid().withoutRedundancy();

  @Test
  void dedicatedAckGoesOutThreeTimesOnlyWithRedundancy() {
    assertThat(ackPacketsFor(ON))
        .hasSize(3)
        .allSatisfy(
            s -> {
              assertThat(s.hasMessage()).isFalse();
              assertThat(s.acks()).containsExactly(0);
            });
    assertThat(ackPacketsFor(OFF)).hasSize(1);
  }

  private static List<Segment> ackPacketsFor(ReliableConfig config) {
    ReliableEndpoint e = new ReliableEndpoint(config);
    e.receive(Segment.message(4, 0, new int[0], new byte[] {1}), 0);
    return e.poll(0);
  }

  /**
   * The stock client's last message is delivered but our one ACK of it is lost: without copies the
   * client waits for its 2 s timer (and, at the end of a handshake, cannot go active meanwhile).
   */
  @Test
  void lostAckNoLongerCostsTheStockClientItsTimer() {
    SimulatedLink on = clientSendsOneMessageFirstServerAckLost(ON);
    SimulatedLink off = clientSendsOneMessageFirstServerAckLost(OFF);
    System.out.printf(
        "first ACK lost: with copies done at %d ms (client timeouts %d), without %d ms (%d)%n",
        on.now / MS,
        on.client.sender().counters().resentTimeout(),
        off.now / MS,
        off.client.sender().counters().resentTimeout());
    assertThat(on.client.sender().counters().resentTimeout()).isZero();
    assertThat(off.client.sender().counters().resentTimeout()).isEqualTo(1);
    assertThat(on.deliveredToServer).hasSize(1);
    assertThat(off.deliveredToServer).hasSize(1);
  }

  private static SimulatedLink clientSendsOneMessageFirstServerAckLost(ReliableConfig server) {
    boolean[] droppedOne = {false};
    SimulatedLink link =
        new SimulatedLink(
            server,
            ReliableConfig.upstream26(),
            ONE_WAY,
            (dir, nth, s) -> {
              if (dir == Direction.SERVER_TO_CLIENT && !s.hasMessage() && !droppedOne[0]) {
                droppedOne[0] = true;
                return true;
              }
              return false;
            });
    link.client.send(4, new byte[] {7});
    link.runUntilQuiet(60_000 * MS);
    return link;
  }

  /**
   * The first of two client messages is lost. Our ACK of the second, sent three times, counts three
   * times towards a 2.6 client's fast retransmit; sent once it counts once and the client waits for
   * its timer. Without nudges, which would trigger the resend on their own ({@link NudgeTest}).
   */
  @Test
  void ackCopiesTriggerTheStockClientsFastRetransmit() {
    SimulatedLink on = clientSendsTwoFirstLost(ON.withoutNudges());
    SimulatedLink off = clientSendsTwoFirstLost(OFF.withoutNudges());
    System.out.printf(
        "first of two lost: with copies both delivered at %d ms (client fast %d timeout %d),"
            + " without %d ms (fast %d timeout %d)%n",
        on.now / MS,
        on.client.sender().counters().resentFast(),
        on.client.sender().counters().resentTimeout(),
        off.now / MS,
        off.client.sender().counters().resentFast(),
        off.client.sender().counters().resentTimeout());
    assertThat(on.client.sender().counters().resentFast()).isEqualTo(1);
    assertThat(on.client.sender().counters().resentTimeout()).isZero();
    assertThat(off.client.sender().counters().resentFast()).isZero();
    assertThat(off.client.sender().counters().resentTimeout()).isEqualTo(1);
    assertThat(on.deliveredToServer).hasSize(2);
    assertThat(off.deliveredToServer).hasSize(2);
  }

  private static SimulatedLink clientSendsTwoFirstLost(ReliableConfig server) {
    SimulatedLink link =
        new SimulatedLink(
            server,
            ReliableConfig.upstream26(),
            ONE_WAY,
            (dir, nth, s) -> dir == Direction.CLIENT_TO_SERVER && nth == 0);
    link.client.send(4, new byte[] {1});
    link.client.send(4, new byte[] {2});
    link.runUntilQuiet(60_000 * MS);
    return link;
  }

  @Test
  void messagesAreSentTwiceOnlyAfterLossWasSeen() {
    ReliableEndpoint e = new ReliableEndpoint(ON);
    e.send(4, new byte[] {1});
    assertThat(e.poll(0)).hasSize(1);
    assertThat(e.lossSeen()).isFalse();
    // no ACK: the retransmit timer fires, which is evidence of loss
    List<Segment> resent = e.poll(e.nextWakeupNanos());
    assertThat(resent).hasSize(2).allSatisfy(s -> assertThat(s.messageId()).isZero());
    assertThat(e.lossSeen()).isTrue();
    e.send(4, new byte[] {2});
    assertThat(e.poll(e.nextWakeupNanos() - 1)).hasSize(2);

    ReliableEndpoint old = new ReliableEndpoint(OFF);
    old.send(4, new byte[] {1});
    old.poll(0);
    assertThat(old.poll(old.nextWakeupNanos())).hasSize(1);
    assertThat(old.lossSeen()).isTrue();
  }

  @Test
  void aSkippedOrRepeatedPeerIdIsEvidenceOfLoss() {
    ReliableEndpoint skipped = new ReliableEndpoint(ON);
    skipped.receive(Segment.message(4, 1, new int[0], new byte[] {1}), 0);
    assertThat(skipped.lossSeen()).isTrue();

    ReliableEndpoint repeated = new ReliableEndpoint(ON);
    repeated.receive(Segment.message(4, 0, new int[0], new byte[] {1}), 0);
    assertThat(repeated.lossSeen()).isFalse();
    repeated.receive(Segment.message(4, 0, new int[0], new byte[] {1}), 0);
    assertThat(repeated.lossSeen()).isTrue();
  }

  @Test
  void extraMessageCopiesAreCapped() {
    ReliableEndpoint e = new ReliableEndpoint(ON);
    e.receive(Segment.message(4, 1, new int[0], new byte[] {1}), 0); // loss seen
    e.poll(0);
    int packets = 0;
    int messages = 3 * ReliableEndpoint.MAX_EXTRA_MESSAGE_COPIES;
    for (int i = 0; i < messages; i++) {
      e.send(4, new byte[] {(byte) i});
      List<Segment> out = e.poll(0);
      packets += out.size();
      e.receive(Segment.ackOnly(new int[] {out.getFirst().messageId()}), 0);
    }
    assertThat(packets).isEqualTo(messages + ReliableEndpoint.MAX_EXTRA_MESSAGE_COPIES);
  }
}
