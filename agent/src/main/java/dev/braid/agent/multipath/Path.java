package dev.braid.agent.multipath;

/**
 * One path of a session: its identity, the estimators fed by its probes, its counters and the
 * scheduler's view of its queue. Owned and mutated by {@link MultipathLink} only.
 */
final class Path {
  final int id;
  final String name;
  final boolean learned;
  int uplinkId;
  int weight;
  boolean backup;

  final PathHealth health;
  final RttEstimator rtt = new RttEstimator();
  final LossEstimator loss = new LossEstimator();
  final RateEstimator rate;
  final DelayEstimator forward = new DelayEstimator(); // our probes' trip to the peer
  final DelayEstimator reverse = new DelayEstimator(); // the peer's probes' trip to us
  final ProbeLedger ledger = new ProbeLedger();

  // Everything sent on the path (data, probes, replies) and everything received from it.
  long txPackets;
  long txBytes;
  long dataPackets;
  long dataBytes;
  long probesSent;
  long probesAnswered;
  long repliesSent;
  long rxPackets;
  long rxBytes;
  long probesReceived;
  long duplicatesReceived;
  long lastReceivedNanos = Long.MIN_VALUE;
  long lastProbeSentNanos = Long.MIN_VALUE;
  long lastDataSentNanos = Long.MIN_VALUE;
  long nextProbeNanos;
  int missedInARow;

  /** The last answered probe met a queue above target: missed probes may be congestion drops. */
  boolean queueing;

  /** The peer's id for this path, from its probes; -1 until one arrived. */
  int peerPathId = -1;

  /** Packets the peer said, in its last probe, it received on this path; -1 before one. */
  long peerReceived = -1;

  // The loss span: our packet count and the peer's at the last answered probe.
  private boolean spanOpen;
  private long spanSent;
  private long spanPeerReceived;

  // The weighted scheduler's model of this path's queue.
  double nanosPerByte;
  long relativeDelayNanos;
  long busyUntilNanos;

  Path(int id, PathSpec spec, MultipathConfig config, long nowNanos) {
    this.id = id;
    this.name = spec.name();
    this.learned = spec.learned();
    this.uplinkId = spec.uplinkId();
    this.weight = spec.weight();
    this.backup = spec.backup();
    this.health = new PathHealth(config, nowNanos);
    this.rate = new RateEstimator(config.initialRate(), config.maxRate());
    this.nextProbeNanos = nowNanos;
    this.busyUntilNanos = nowNanos;
  }

  PathState state() {
    return health.state();
  }

  void countSent(int bytes) {
    txPackets++;
    txBytes += bytes;
  }

  void countReceived(int bytes, long nowNanos) {
    rxPackets++;
    rxBytes += bytes;
    lastReceivedNanos = nowNanos;
  }

  /** Whether the peer sent us anything on this path within {@code windowNanos}. */
  boolean heardWithin(long windowNanos, long nowNanos) {
    return lastReceivedNanos != Long.MIN_VALUE && nowNanos - lastReceivedNanos <= windowNanos;
  }

  /** Time after which an unanswered probe counts as missed. */
  long probeTimeoutNanos(long intervalNanos) {
    if (!rtt.hasSample()) {
      return Math.max(intervalNanos, 1_000_000_000L);
    }
    return rtt.srtt() + Math.max(4 * rtt.rttvar(), intervalNanos);
  }

  /**
   * Feeds one accepted reply (its probe in ledger slot {@code slot}) to the estimators. The round
   * trip excludes the time the peer held the probe.
   */
  void onAnswer(ProbeMessage reply, int slot, long nowNanos, long queueTargetNanos) {
    ledger.markAnswered(slot);
    probesAnswered++;
    long sentNanos = ledger.sentNanos(slot);
    rtt.sample(nowNanos - sentNanos - reply.holdNanos, nowNanos);
    forward.sample(reply.receivedNanos - sentNanos, nowNanos);
    long target = Math.max(queueTargetNanos, rtt.minRtt() / 4);
    boolean queued = forward.queueingNanos() > target;
    queueing = queued;
    long sent = ledger.sentPackets(slot);
    // Loss while a queue is full is our own overload, which the rate cut answers; counting it as
    // path loss would push the load onto the other paths and overload them in turn.
    if (spanOpen && !queued && reply.packetsReceived >= spanPeerReceived && sent >= spanSent) {
      loss.sample(sent - spanSent, reply.packetsReceived - spanPeerReceived);
    }
    spanOpen = true;
    spanSent = sent;
    spanPeerReceived = reply.packetsReceived;
    rate.sample(
        sentNanos,
        ledger.sentBytes(slot),
        reply.receivedNanos,
        reply.bytesReceived,
        forward.queueingNanos(),
        target);
    health.onAnswer(nowNanos);
  }

  /** The path went down: the next span starts after the outage instead of measuring it. */
  void restartSpans() {
    spanOpen = false;
    rate.restartSpan();
  }
}
