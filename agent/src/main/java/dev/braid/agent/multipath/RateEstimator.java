package dev.braid.agent.multipath;

/**
 * What a path can carry in the sending direction, bytes per second, learned from each span between
 * two answered probes: bytes the peer received over the peer's own time span (the delivery rate)
 * and the queueing delay the latest probe met. A queue above target while the path was in use means
 * the estimate overshot: it drops to 7/8 of the delivery rate (as mud does). A path that was pushed
 * at its estimate without a queue building is probed upwards by 1/8 per span; one that was not (the
 * traffic did not need it) keeps its estimate, so an idle path's estimate does not grow without
 * evidence. The estimate never stays below what the path delivered, so an underestimate corrects
 * itself as soon as traffic overflows onto the path.
 */
final class RateEstimator {
  /** Floor: about ten full-size packets per second, so a path is never scheduled as dead. */
  static final long MIN_RATE = 15_000;

  private final long maxRate;
  private long rate;
  private long delivery;
  private long cuts;
  private boolean hasPrevious;
  private long prevSentNanos;
  private long prevPeerReceivedNanos;
  private long prevSentBytes;
  private long prevPeerBytes;

  RateEstimator(long initialRate, long maxRate) {
    this.rate = initialRate;
    this.maxRate = maxRate;
  }

  /**
   * One answered probe: when it was sent and the bytes sent on the path by then (ours), when it
   * arrived and the bytes received on the path by then (the peer's), and the queueing delay it met.
   */
  void sample(
      long sentNanos,
      long sentBytes,
      long peerReceivedNanos,
      long peerBytes,
      long queueingNanos,
      long queueTargetNanos) {
    if (!hasPrevious) {
      remember(sentNanos, sentBytes, peerReceivedNanos, peerBytes);
      return;
    }
    long sentSpan = sentNanos - prevSentNanos;
    long receivedSpan = peerReceivedNanos - prevPeerReceivedNanos;
    long sent = sentBytes - prevSentBytes;
    long received = peerBytes - prevPeerBytes;
    remember(sentNanos, sentBytes, peerReceivedNanos, peerBytes);
    if (sentSpan <= 0 || receivedSpan <= 0 || sent < 0 || received < 0) {
      return; // a restarted peer or a path id reused: this span says nothing
    }
    delivery = (long) (received * 1e9 / receivedSpan);
    long sendRate = (long) (sent * 1e9 / sentSpan);
    if (queueingNanos > queueTargetNanos) {
      if (sendRate * 2 >= rate) { // a queue we helped build
        rate = Math.max(MIN_RATE, delivery - delivery / 8);
        cuts++;
      }
    } else if (sendRate * 10 >= rate * 9) { // pushed at the estimate, no queue: there is more
      rate = Math.min(maxRate, Math.max(rate + rate / 8, delivery));
    } else {
      rate = Math.min(maxRate, Math.max(rate, delivery));
    }
  }

  /** Forgets the last span, so that one across an outage is not measured. */
  void restartSpan() {
    hasPrevious = false;
  }

  private void remember(long sentNanos, long sentBytes, long peerReceivedNanos, long peerBytes) {
    hasPrevious = true;
    prevSentNanos = sentNanos;
    prevSentBytes = sentBytes;
    prevPeerReceivedNanos = peerReceivedNanos;
    prevPeerBytes = peerBytes;
  }

  /** Estimated capacity, bytes per second. */
  long rate() {
    return rate;
  }

  /** Delivery rate of the last span, bytes per second. */
  long delivery() {
    return delivery;
  }

  /** Times the estimate was cut because a queue built up. */
  long cuts() {
    return cuts;
  }
}
