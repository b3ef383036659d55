package dev.braid.agent.openvpn.reliable;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Sending half of the reliable layer: assigns message ids, keeps unacknowledged messages, decides
 * what to (re)send at a given time. Not thread-safe; one per key state, driven by its session's
 * worker.
 */
public final class ReliableSender {
  private record Queued(int opcode, byte[] payload) {}

  private static final class Entry {
    final long id;
    final int opcode;
    final byte[] payload;
    long firstSentNanos;
    long nextTryNanos;
    long timeoutNanos;
    long lastSendSeq;
    int transmissions;
    int laterAcks;
    boolean laterAckedSinceSend;
    boolean acked;

    Entry(long id, int opcode, byte[] payload) {
      this.id = id;
      this.opcode = opcode;
      this.payload = payload;
    }
  }

  private final ReliableConfig config;
  private final RetransmitTimer timer;
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private final List<Entry> inFlight = new ArrayList<>();
  private long nextId;
  private long sendSeq;
  private final SenderCounters counters;

  public ReliableSender(ReliableConfig config) {
    this(config, 0);
  }

  /** A sender whose first message gets id {@code firstId} (0 for a new key state). */
  public ReliableSender(ReliableConfig config, long firstId) {
    this(config, firstId, new SenderCounters());
  }

  /** Like {@link #ReliableSender(ReliableConfig, long)}, counting into shared {@code counters}. */
  public ReliableSender(ReliableConfig config, long firstId, SenderCounters counters) {
    this.config = config;
    this.counters = counters;
    this.timer = new RetransmitTimer(config);
    this.nextId = firstId;
  }

  /** Queues a message; it gets an id when the window lets it out. */
  public void enqueue(int opcode, byte[] payload) {
    queue.add(new Queued(opcode, payload));
  }

  /** Processes one acknowledged id from the peer. Unknown or stale ids are counted and ignored. */
  public void onAck(int messageId, long nowNanos) {
    onAck(messageId, nowNanos, true);
  }

  /**
   * Processes one acknowledged id. {@code mayTimeRoundTrip} is false for ids after the first in a
   * packet: those are usually repeats of older ACKs, and timing them would measure the ACK's loss,
   * not the path.
   */
  public void onAck(int messageId, long nowNanos, boolean mayTimeRoundTrip) {
    Entry acked = find(messageId);
    if (acked == null) {
      counters.staleAcks++;
      countUpstreamLaterAck(Integer.toUnsignedLong(messageId));
      return;
    }
    if (acked.acked) {
      counters.duplicateAcks++;
      countUpstreamLaterAck(acked.id);
      return;
    }
    acked.acked = true;
    if (acked.transmissions == 1 && mayTimeRoundTrip) {
      timer.sample(nowNanos - acked.firstSentNanos); // Karn: only unambiguous samples
    }
    for (Entry e : inFlight) {
      if (e.acked || e.id >= acked.id) {
        continue;
      }
      if (!config.adaptiveTimeout()) {
        e.laterAcks++;
      } else if (acked.lastSendSeq > e.lastSendSeq) {
        // sent after e's last copy yet acknowledged first: e or its ACK is lost
        e.laterAcks++;
        e.laterAckedSinceSend = true;
      }
    }
    while (!inFlight.isEmpty() && inFlight.getFirst().acked) {
      inFlight.removeFirst();
    }
  }

  /** Upstream counts every later ACK occurrence, including re-ACKs of packets already gone. */
  private void countUpstreamLaterAck(long ackedId) {
    if (config.adaptiveTimeout()) {
      return;
    }
    for (Entry e : inFlight) {
      if (!e.acked && e.id < ackedId) {
        e.laterAcks++;
      }
    }
  }

  private Entry find(int messageId) {
    if (inFlight.isEmpty()) {
      return null;
    }
    long base = inFlight.getFirst().id;
    long offset = Integer.toUnsignedLong(messageId - (int) base);
    if (offset >= inFlight.size()) {
      return null;
    }
    Entry e = inFlight.get((int) offset);
    return e.id == base + offset ? e : null;
  }

  /** The next message to transmit at {@code nowNanos}, or null if nothing is due. */
  public Transmission poll(long nowNanos) {
    Entry resend = null;
    SendReason reason = null;
    for (Entry e : inFlight) {
      if (e.acked) {
        continue;
      }
      SendReason why = dueReason(e, nowNanos);
      if (why != null) {
        resend = e;
        reason = why;
        break; // lowest id first
      }
    }
    if (resend != null) {
      return transmit(resend, reason, nowNanos);
    }
    if (!queue.isEmpty() && windowOpen()) {
      Queued q = queue.removeFirst();
      Entry e = new Entry(nextId++, q.opcode(), q.payload());
      inFlight.add(e);
      return transmit(e, SendReason.NEW, nowNanos);
    }
    return null;
  }

  private SendReason dueReason(Entry e, long nowNanos) {
    if (nowNanos >= e.nextTryNanos) {
      return SendReason.TIMEOUT;
    }
    if (config.fastRetransmitAcks() > 0 && e.laterAcks >= config.fastRetransmitAcks()) {
      return SendReason.FAST;
    }
    if (config.resendWhenBlocked()
        && e.laterAckedSinceSend
        && e == inFlight.getFirst()
        && isBlocked()) {
      return SendReason.BLOCKED;
    }
    return null;
  }

  private Transmission transmit(Entry e, SendReason reason, long nowNanos) {
    e.transmissions++;
    e.lastSendSeq = ++sendSeq;
    e.laterAcks = 0;
    e.laterAckedSinceSend = false;
    if (config.adaptiveTimeout()) {
      if (reason == SendReason.NEW) {
        e.firstSentNanos = nowNanos;
        e.timeoutNanos = timer.timeoutNanos();
      } else if (reason == SendReason.TIMEOUT) {
        e.timeoutNanos = timer.backoff(e.timeoutNanos);
      }
      e.nextTryNanos = nowNanos + e.timeoutNanos;
    } else {
      // upstream: every transmission doubles the timeout it arms next
      if (reason == SendReason.NEW) {
        e.firstSentNanos = nowNanos;
        e.timeoutNanos = timer.timeoutNanos();
      }
      e.nextTryNanos = nowNanos + e.timeoutNanos;
      e.timeoutNanos = timer.backoff(e.timeoutNanos);
    }
    counters.count(reason);
    return new Transmission((int) e.id, e.opcode, e.payload, reason);
  }

  private boolean windowOpen() {
    return inFlight.isEmpty() || nextId - inFlight.getFirst().id < config.sendWindow();
  }

  /**
   * True while queued messages wait because the oldest unacknowledged one holds the window shut.
   */
  public boolean isBlocked() {
    return !queue.isEmpty() && !windowOpen();
  }

  /** True when every queued message has been sent and acknowledged. */
  public boolean isIdle() {
    return queue.isEmpty() && inFlight.isEmpty();
  }

  /**
   * Absolute time at which {@link #poll} may next return a retransmission; Long.MAX_VALUE if none.
   */
  public long nextWakeupNanos() {
    long wake = Long.MAX_VALUE;
    for (Entry e : inFlight) {
      if (!e.acked) {
        wake = Math.min(wake, e.nextTryNanos);
      }
    }
    return wake;
  }

  /** Smoothed round-trip time measured so far, or -1. */
  public long smoothedRttNanos() {
    return timer.smoothedRttNanos();
  }

  /** The timeout after one more expiry of {@code timeoutNanos}: doubled, capped. */
  public long backoffNanos(long timeoutNanos) {
    return timer.backoff(timeoutNanos);
  }

  /** Base retransmit timeout a new message would get now. */
  public long currentTimeoutNanos() {
    return timer.timeoutNanos();
  }

  public SenderCounters counters() {
    return counters;
  }
}
