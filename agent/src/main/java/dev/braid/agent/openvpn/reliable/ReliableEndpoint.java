package dev.braid.agent.openvpn.reliable;

import java.util.ArrayList;
import java.util.List;

/**
 * Both halves of the reliable layer for one key state, sans I/O: feed it received segments and the
 * time, ask it for segments to send. ACKs ride on outgoing messages when there are any; otherwise a
 * pure ACK is produced at once (no delayed ACK: the control channel is latency-bound, not
 * bandwidth-bound).
 */
public final class ReliableEndpoint {
  private final ReliableSender sender;
  private final ReliableReceiver receiver;

  public ReliableEndpoint(ReliableConfig config) {
    this.sender = new ReliableSender(config);
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
      out.add(Segment.message(t.opcode(), t.messageId(), receiver.takeAcks(), t.payload()));
    }
    while (receiver.ackPending()) {
      out.add(Segment.ackOnly(receiver.takeAcks()));
    }
    return out;
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
