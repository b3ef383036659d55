package dev.braid.agent.openvpn.reliable;

import java.util.ArrayDeque;

/**
 * Receiving half of the reliable layer: accepts messages in any order within the receive window,
 * delivers them in id order, and tracks the ACKs it owes. Not thread-safe.
 */
public final class ReliableReceiver {
  /** A message delivered in order. */
  public record Message(int messageId, int opcode, byte[] payload) {}

  private final ReliableConfig config;
  private final Message[] window;
  private final AckTracker acks;
  private final ArrayDeque<Message> ready = new ArrayDeque<>();
  private long nextExpected;
  private int buffered;

  public ReliableReceiver(ReliableConfig config) {
    this(config, 0);
  }

  /** A receiver expecting {@code firstId} first. */
  public ReliableReceiver(ReliableConfig config, long firstId) {
    this.config = config;
    this.window = new Message[config.receiveWindow()];
    this.acks = new AckTracker(config.reAckRecent());
    this.nextExpected = firstId;
  }

  /** Offers one incoming message; acknowledged per {@link ReceiveResult#acknowledged()}. */
  public ReceiveResult onMessage(int messageId, int opcode, byte[] payload) {
    // signed distance from the next expected id, modulo 2^32
    long ahead = messageId - (int) nextExpected;
    ReceiveResult result;
    if (ahead < 0 || (ahead < window.length && slot(ahead) != null)) {
      result = upstreamBufferFull() ? ReceiveResult.NO_BUFFER : ReceiveResult.DUPLICATE;
    } else if (ahead >= window.length) {
      result = ReceiveResult.BEYOND_WINDOW;
    } else {
      window[index(nextExpected + ahead)] = new Message(messageId, opcode, payload);
      buffered++;
      drainInOrder();
      result = ReceiveResult.ACCEPTED;
    }
    if (result.acknowledged()) {
      acks.owe(messageId);
    }
    return result;
  }

  /** Upstream ignores even duplicates (without ACK) when every receive buffer is taken. */
  private boolean upstreamBufferFull() {
    return !config.ackDuplicatesWithoutBuffer() && buffered + ready.size() >= window.length;
  }

  private Message slot(long ahead) {
    return window[index(nextExpected + ahead)];
  }

  private int index(long id) {
    return (int) Long.remainderUnsigned(id, window.length);
  }

  private void drainInOrder() {
    Message m;
    while ((m = window[index(nextExpected)]) != null) {
      window[index(nextExpected)] = null;
      buffered--;
      nextExpected++;
      ready.add(m);
    }
  }

  /** The next message in id order, or null. */
  public Message poll() {
    return ready.pollFirst();
  }

  /** True if ACKs are owed that no packet has carried yet. */
  public boolean ackPending() {
    return acks.hasPending();
  }

  /** ACK ids for the next outgoing packet, at most {@link ReliableConfig#maxAcksPerPacket()}. */
  public int[] takeAcks() {
    return acks.take(config.maxAcksPerPacket());
  }

  /** ACK ids for the next outgoing packet, at most {@code max}. */
  public int[] takeAcks(int max) {
    return acks.take(Math.min(max, config.maxAcksPerPacket()));
  }

  /** True while a later message is buffered and the next expected one is missing. */
  public boolean hasGap() {
    return buffered > 0;
  }

  /** The id this receiver delivers next. */
  public long nextExpectedId() {
    return nextExpected;
  }
}
