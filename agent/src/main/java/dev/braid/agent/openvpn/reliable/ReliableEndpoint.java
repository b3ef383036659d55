package dev.braid.agent.openvpn.reliable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Both halves of the reliable layer for one key state, sans I/O: feed it received segments and the
 * time, ask it for segments to send. ACKs ride on outgoing messages when there are any; otherwise a
 * pure ACK is produced at once (no delayed ACK: the control channel is latency-bound, not
 * bandwidth-bound).
 *
 * <p>Redundancy ({@link ReliableConfig#ackCopies()}, {@link ReliableConfig#lossCopies()}): a
 * dedicated ACK is listed several times in the result; once loss has been seen on this key state
 * (we had to resend, or the peer sent a duplicate or skipped an id) each message is listed several
 * times too, up to {@link #MAX_EXTRA_MESSAGE_COPIES} extra copies in all. The caller must wrap
 * every entry separately (tls-auth/tls-crypt give each its own replay id, else the peer drops the
 * copies).
 *
 * <p>Nudges ({@link ReliableConfig#nudgePeer()}): a stock peer repairs its own lost messages only
 * with a timer that doubles (2, 4, 8, 16 s), or by fast retransmit once {@code N_ACK_RETRANSMIT}
 * (3) ACK ids above an unacknowledged message's id have arrived; it counts every such id, known to
 * it or not. So when a message from the peer is overdue, this endpoint sends a dedicated ACK packet
 * ({@link ReliableConfig#ackCopies()} copies) that names {@link #NUDGE_IDS}, three ids above
 * anything the peer can have sent in this key state: one packet that arrives makes the peer resend
 * its oldest unacknowledged message at once, and ids it has not sent only count, they acknowledge
 * nothing. Due at once when a later message arrived while an earlier one is missing, and otherwise,
 * when the owner says the peer owes a message ({@link #expectPeer}) and ours are all acknowledged,
 * one retransmit timeout after the last progress; then backing off like a retransmission.
 */
public final class ReliableEndpoint {
  /**
   * ACK ids of a nudge: the largest 32-bit ids, which a key state never reaches (its messages are
   * counted from 0 and a handshake needs about 15), so a nudge never acknowledges a real message.
   */
  static final int[] NUDGE_IDS = {-1, -2, -3};

  /**
   * Bound on extra message copies per key state: a handshake needs about 15 control messages, so
   * this covers several handshakes' worth of redundancy while keeping a pathological peer from
   * doubling our control traffic forever.
   */
  static final int MAX_EXTRA_MESSAGE_COPIES = 64;

  private final ReliableConfig config;
  private final ReliableSender sender;
  private final ReliableReceiver receiver;
  private boolean lossSeen;
  private int extraCopiesLeft = MAX_EXTRA_MESSAGE_COPIES;
  private boolean peerOwes;
  private boolean gapNudgeDue;
  private long gapSeenNanos;
  private long progressNanos;
  private long nudgeDelayNanos;
  private int nudges;

  public ReliableEndpoint(ReliableConfig config) {
    this(config, new SenderCounters());
  }

  /**
   * Like {@link #ReliableEndpoint(ReliableConfig)}, its sender counting into {@code counters},
   * which may be shared by many endpoints of one thread (a loop's totals for status).
   */
  public ReliableEndpoint(ReliableConfig config, SenderCounters counters) {
    this.config = config;
    this.sender = new ReliableSender(config, 0, counters);
    this.receiver = new ReliableReceiver(config);
    this.nudgeDelayNanos = sender.currentTimeoutNanos();
  }

  /** Queues a message for reliable, ordered delivery. */
  public void send(int opcode, byte[] payload) {
    sender.enqueue(opcode, payload);
  }

  /** Processes a received segment: its ACKs first, then its message if any. */
  public ReceiveResult receive(Segment segment, long nowNanos) {
    int[] acks = segment.acks();
    boolean wasIdle = sender.isIdle();
    for (int i = 0; i < acks.length; i++) {
      sender.onAck(acks[i], nowNanos, i == 0);
    }
    if (!wasIdle && sender.isIdle()) {
      progress(nowNanos); // the peer has all we sent: its answer is what we wait for now
    }
    if (!segment.hasMessage()) {
      return null;
    }
    if (segment.messageId() != (int) receiver.nextExpectedId()) {
      // a repeat means our ACK was lost; a skipped id means the peer's packet was lost
      lossSeen = true;
    }
    long before = receiver.nextExpectedId();
    ReceiveResult r = receiver.onMessage(segment.messageId(), segment.opcode(), segment.payload());
    if (receiver.nextExpectedId() != before) {
      progress(nowNanos);
    }
    if (r == ReceiveResult.ACCEPTED && receiver.hasGap()) {
      gapNudgeDue = true; // a later message came first: the one before it is lost
      gapSeenNanos = nowNanos;
    }
    return r;
  }

  /**
   * Tells this endpoint whether the peer owes us a message now (for example the next TLS flight),
   * so that an overdue one is nudged. Call after each turn; a change counts as progress.
   */
  public void expectPeer(boolean owes, long nowNanos) {
    if (owes && !peerOwes) {
      progress(nowNanos);
    }
    peerOwes = owes;
  }

  private void progress(long nowNanos) {
    progressNanos = nowNanos;
    nudgeDelayNanos = sender.currentTimeoutNanos();
  }

  /** When a nudge is due, or Long.MAX_VALUE when none would be sent. */
  private long nudgeAtNanos() {
    if (!config.nudgePeer()) {
      return Long.MAX_VALUE;
    }
    if (gapNudgeDue) {
      return gapSeenNanos;
    }
    if (receiver.hasGap() || peerOwes && sender.isIdle()) {
      return progressNanos + nudgeDelayNanos;
    }
    return Long.MAX_VALUE;
  }

  private static int[] withNudgeIds(int[] acks) {
    int[] all = Arrays.copyOf(acks, acks.length + NUDGE_IDS.length);
    System.arraycopy(NUDGE_IDS, 0, all, acks.length, NUDGE_IDS.length);
    return all;
  }

  private void nudged(long nowNanos) {
    gapNudgeDue = false;
    nudges++;
    progressNanos = nowNanos;
    nudgeDelayNanos = sender.backoffNanos(Math.max(nudgeDelayNanos, sender.currentTimeoutNanos()));
  }

  /** Nudges sent (each counted once, however many copies went out). */
  public int nudges() {
    return nudges;
  }

  /**
   * Everything due at {@code nowNanos}: messages with piggy-backed ACKs, then a pure ACK if still
   * owed.
   */
  public List<Segment> poll(long nowNanos) {
    List<Segment> out = new ArrayList<>();
    Transmission t;
    while ((t = sender.poll(nowNanos)) != null) {
      lossSeen |= t.reason() != SendReason.NEW;
      Segment s = Segment.message(t.opcode(), t.messageId(), receiver.takeAcks(), t.payload());
      out.add(s);
      for (int i = 1; i < config.lossCopies() && lossSeen && extraCopiesLeft > 0; i++) {
        extraCopiesLeft--;
        out.add(s);
      }
    }
    boolean nudge = nowNanos >= nudgeAtNanos();
    int roomWithNudge = config.maxAcksPerPacket() - NUDGE_IDS.length;
    while (receiver.ackPending()) {
      // Always repeated, not only after loss was seen: the peer's timer is what a lost ACK costs,
      // and we cannot see that loss until the peer's retransmission arrives seconds later.
      int[] acks;
      if (nudge && roomWithNudge > 0) {
        acks = withNudgeIds(receiver.takeAcks(roomWithNudge));
        nudged(nowNanos);
        nudge = false;
      } else {
        acks = receiver.takeAcks();
      }
      Segment ack = Segment.ackOnly(acks);
      for (int i = 0; i < config.ackCopies(); i++) {
        out.add(ack);
      }
    }
    if (nudge) {
      Segment alone = Segment.ackOnly(NUDGE_IDS.clone());
      for (int i = 0; i < config.ackCopies(); i++) {
        out.add(alone);
      }
      nudged(nowNanos);
    }
    return out;
  }

  /** Evidence of loss found outside the reliable layer (e.g. a gap in the peer's replay ids). */
  public void noteLoss() {
    lossSeen = true;
  }

  /** True once this key state has seen evidence of loss (and so sends messages redundantly). */
  public boolean lossSeen() {
    return lossSeen;
  }

  /** The next message received in order, or null. */
  public ReliableReceiver.Message nextMessage() {
    return receiver.poll();
  }

  /** When {@link #poll} should next be called even if nothing arrives; Long.MAX_VALUE if never. */
  public long nextWakeupNanos() {
    return Math.min(sender.nextWakeupNanos(), nudgeAtNanos());
  }

  public ReliableSender sender() {
    return sender;
  }

  public ReliableReceiver receiver() {
    return receiver;
  }
}
