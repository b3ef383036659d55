package dev.braid.agent.openvpn.reliable;

import java.util.ArrayList;
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
 */
public final class ReliableEndpoint {
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
  }

  /** Queues a message for reliable, ordered delivery. */
  public void send(int opcode, byte[] payload) {
    sender.enqueue(opcode, payload);
  }

  /** Processes a received segment: its ACKs first, then its message if any. */
  public ReceiveResult receive(Segment segment, long nowNanos) {
    int[] acks = segment.acks();
    for (int i = 0; i < acks.length; i++) {
      sender.onAck(acks[i], nowNanos, i == 0);
    }
    if (!segment.hasMessage()) {
      return null;
    }
    if (segment.messageId() != (int) receiver.nextExpectedId()) {
      // a repeat means our ACK was lost; a skipped id means the peer's packet was lost
      lossSeen = true;
    }
    return receiver.onMessage(segment.messageId(), segment.opcode(), segment.payload());
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
    while (receiver.ackPending()) {
      // Always repeated, not only after loss was seen: the peer's timer is what a lost ACK costs,
      // and we cannot see that loss until the peer's retransmission arrives seconds later.
      Segment ack = Segment.ackOnly(receiver.takeAcks());
      for (int i = 0; i < config.ackCopies(); i++) {
        out.add(ack);
      }
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
    return sender.nextWakeupNanos();
  }

  public ReliableSender sender() {
    return sender;
  }

  public ReliableReceiver receiver() {
    return receiver;
  }
}
