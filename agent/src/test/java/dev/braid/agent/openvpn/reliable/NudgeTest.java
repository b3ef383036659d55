package dev.braid.agent.openvpn.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Nudges against a stock-2.6-like client ({@link ReliableConfig#upstream26()}): a client message
 * that the server misses is resent at the server's pace, not after the client's 2 s timer; {@link
 * ReliableConfig#withoutNudges()} shows the old behaviour.
 */
class NudgeTest {
  private static final long MS = 1_000_000L;
  private static final int OPCODE = 4;
  private static final ReliableConfig ON = ReliableConfig.braid();
  private static final ReliableConfig OFF = ReliableConfig.braid().withoutNudges();

  /** Server and client endpoints with no wire: the test carries each segment by hand. */
  private record Pair(ReliableEndpoint server, ReliableEndpoint client) {
    Pair(ReliableConfig server) {
      this(new ReliableEndpoint(server), new ReliableEndpoint(ReliableConfig.upstream26()));
    }

    static void deliver(List<Segment> segments, ReliableEndpoint to, long now) {
      segments.forEach(s -> to.receive(s, now));
    }
  }

  /**
   * The client's only message in flight is lost (its ClientHello, say) while the server waits for
   * it: the server nudges after its retransmit timeout and a single nudge packet that arrives makes
   * the client resend at once, by fast retransmit.
   */
  @Test
  void overdueMessageIsResentByTheClientLongBeforeItsTimer() {
    Pair on = new Pair(ON);
    on.client.send(OPCODE, new byte[] {1});
    assertThat(on.client.poll(0)).hasSize(1); // lost
    on.server.expectPeer(true, 0);

    assertThat(on.server.poll(0)).isEmpty();
    long due = on.server.nextWakeupNanos();
    assertThat(due).isLessThan(2_000 * MS);
    List<Segment> nudges = on.server.poll(due);
    assertThat(nudges)
        .hasSize(ON.ackCopies())
        .allSatisfy(
            s -> {
              assertThat(s.hasMessage()).isFalse();
              assertThat(s.acks()).containsExactly(ReliableEndpoint.NUDGE_IDS);
            });
    Pair.deliver(nudges.subList(0, 1), on.client, due); // two of the three copies lost

    List<Segment> resent = on.client.poll(due);
    assertThat(resent).singleElement().satisfies(s -> assertThat(s.messageId()).isZero());
    assertThat(on.client.sender().counters().resentFast()).isEqualTo(1);
    Pair.deliver(resent, on.server, due);
    assertThat(on.server.nextMessage().payload()).containsExactly(1);

    Pair off = new Pair(OFF);
    off.client.send(OPCODE, new byte[] {1});
    off.client.poll(0); // lost
    off.server.expectPeer(true, 0);
    assertThat(off.server.poll(0)).isEmpty();
    assertThat(off.server.nextWakeupNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(off.client.nextWakeupNanos()).isEqualTo(2_000 * MS);
  }

  /** Nudges for one overdue message back off like retransmissions and stop once it arrives. */
  @Test
  void nudgesBackOffAndStopWhenTheMessageArrives() {
    Pair p = new Pair(ON);
    p.server.expectPeer(true, 0);
    long first = p.server.nextWakeupNanos();
    p.server.poll(first);
    long second = p.server.nextWakeupNanos();
    p.server.poll(second);
    long third = p.server.nextWakeupNanos();
    assertThat(second - first).isGreaterThan(first);
    assertThat(third - second).isGreaterThan(second - first);
    assertThat(p.server.nudges()).isEqualTo(2);

    p.server.receive(Segment.message(OPCODE, 0, new int[0], new byte[] {1}), third - 1);
    p.server.expectPeer(false, third - 1);
    p.server.poll(third - 1); // the ACK
    assertThat(p.server.nextWakeupNanos()).isEqualTo(Long.MAX_VALUE);
  }

  /** No nudge while our own messages are unacknowledged: the client may be waiting for them. */
  @Test
  void noNudgeWhileTheServerItselfHasMessagesInFlight() {
    Pair p = new Pair(ON);
    p.server.send(OPCODE, new byte[] {1});
    p.server.poll(0);
    p.server.expectPeer(true, 0);
    long wake = p.server.nextWakeupNanos();
    assertThat(p.server.poll(wake))
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.hasMessage()).isTrue()); // our retransmission, no nudge
    assertThat(p.server.nudges()).isZero();
  }

  /**
   * The client sends two messages and the first is lost: the second arriving shows the loss, and
   * the server nudges at once, so one arriving packet suffices where three ACK copies of the later
   * id were needed before (each counts once towards the client's three).
   */
  @Test
  void laterMessageArrivingFirstMakesTheServerNudgeAtOnce() {
    assertThat(clientResendsAfterOneServerPacket(ON)).isTrue();
    assertThat(clientResendsAfterOneServerPacket(OFF)).isFalse();
  }

  private static boolean clientResendsAfterOneServerPacket(ReliableConfig server) {
    Pair p = new Pair(server);
    p.client.send(OPCODE, new byte[] {1});
    p.client.send(OPCODE, new byte[] {2});
    List<Segment> sent = p.client.poll(0);
    assertThat(sent).hasSize(2);
    p.server.receive(sent.get(1), MS); // message 0 lost
    List<Segment> reply = p.server.poll(MS);
    // the client gets one packet of each kind the server sent: the ACK of 1, and a nudge if any
    reply.stream().distinct().forEach(s -> p.client.receive(s, MS));
    return p.client.poll(MS).stream().anyMatch(s -> s.hasMessage() && s.messageId() == 0);
  }
}
