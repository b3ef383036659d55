package dev.braid.agent.multipath;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The multipath side of one session: its paths and their probes, the scheduler, and the reorder
 * buffers (one per data-channel key id). The session drives it like the reliable layer: bytes and
 * an explicit time in, decisions out through a {@link LinkOutput}; no I/O, no clock, no threads.
 *
 * <p>Sending: seal a tunnel packet <em>once</em>, then send the same ciphertext on every path of
 * {@link #pickPaths}'s mask (copies must share one packet id so the receiver's replay window
 * recognises them). Probes the link emits are sealed and sent like any payload, with the current
 * key. Receiving: once the data channel has authenticated a packet and its replay window accepted
 * the id, pass it to {@link #onProbe} if {@link #isProbe} says so, else to {@link #onData}; if the
 * window had seen the id already, to {@link #onDuplicate} (in a multipath session that is a
 * redundant copy, not an attack). Call {@link #keyStarted} when a new data key is installed, and
 * {@link #poll} at {@link #nextDeadlineNanos}.
 *
 * <p>Not thread-safe: one owner thread calls everything; {@link #snapshot} builds an immutable copy
 * for other threads.
 *
 * @param <T> the session's representation of a received payload, handed back in order
 */
public final class MultipathLink<T> {
  /** What {@link #addPath} returns when the session already has {@code maxPaths} paths. */
  public static final int REFUSED = -1;

  private static final long LATE_BOOST_DECAY_NANOS = 10_000_000_000L;

  /** OpenVPN key ids are 3 bits: one reorder state per key id. */
  private static final int KEY_IDS = 8;

  private final MultipathConfig config;
  private final long intervalNanos;
  private final long queueTargetNanos;
  private final long liveWindowNanos;
  private final long carryIdleNanos;
  private final Path[] paths;
  private final Scheduler scheduler;
  private final Candidates candidates;
  private final ReorderCounters reorderCounters = new ReorderCounters();
  private final List<ReorderBuffer<T>> reorder = new ArrayList<>(KEY_IDS);
  private final ProbeMessage message = new ProbeMessage();
  private final byte[] scratch = new byte[ProbeCodec.REPLY_LENGTH];
  private final long[] probeDrops = new long[ProbeDrop.values().length];

  private int pathCount;
  private boolean candidatesStale = true;
  private long liveMask;
  private long sendingSet;
  private long holdTimeoutNanos;
  private long lastNanos;
  private long previousMask;
  private Tier previousTier = Tier.NONE;

  private long packets;
  private long bytes;
  private long duplicatesSent;
  private long failovers;
  private long backupActivations;
  private long sentWithoutUpPath;
  private long pathsRefused;
  private long pathsRemoved;
  private long duplicatesReceived;
  private long announcements;
  private long peerCarrying; // our paths the peer said it sends on
  private boolean peerBlind; // ... and it sends on a path we have not heard from
  private long latestAnnouncementId;
  private int latestAnnouncementKey = -1;
  private long lateSeen;
  private long lateBoostNanos;
  private long lateBoostSinceNanos;

  public MultipathLink(MultipathConfig config, long nowNanos) {
    this.config = config;
    this.intervalNanos = config.probeInterval().toNanos();
    this.queueTargetNanos = config.queueTarget().toNanos();
    this.liveWindowNanos = config.downAfterMissed() * intervalNanos;
    this.carryIdleNanos = 10 * intervalNanos;
    this.paths = new Path[config.maxPaths()];
    this.scheduler = Scheduler.of(config);
    this.candidates = new Candidates(config.maxPaths());
    this.holdTimeoutNanos = config.reorder().maxHold().toNanos();
    this.lastNanos = nowNanos;
    for (int i = 0; i < KEY_IDS; i++) {
      reorder.add(null);
    }
  }

  /** Whether a decrypted data-channel payload is a probe message for {@link #onProbe}. */
  public static boolean isProbe(byte[] plain, int off, int len) {
    return ProbeCodec.isProbe(plain, off, len);
  }

  /**
   * Adds a path and starts probing it at once. Returns its id (0..maxPaths-1, reused after
   * removal), or {@link #REFUSED} (counted) when the session has {@code maxPaths} already: a peer
   * cannot grow a session's state by sending from ever new addresses. Add a learned path only for a
   * packet the replay window accepted, never for a duplicate.
   */
  public int addPath(PathSpec spec, long nowNanos) {
    touch(nowNanos);
    for (int id = 0; id < paths.length; id++) {
      if (paths[id] == null) {
        paths[id] = new Path(id, spec, config, nowNanos);
        pathCount++;
        candidatesStale = true;
        return id;
      }
    }
    pathsRefused++;
    return REFUSED;
  }

  /** Removes a path (its addresses went away); its id may be reused by a later {@link #addPath}. */
  public void removePath(int pathId) {
    if (pathId < 0 || pathId >= paths.length || paths[pathId] == null) {
      return;
    }
    paths[pathId] = null;
    pathCount--;
    pathsRemoved++;
    liveMask &= ~(1L << pathId);
    peerCarrying &= ~(1L << pathId);
    sendingSet &= ~(1L << pathId);
    for (ReorderBuffer<T> b : reorder) {
      if (b != null) {
        b.forgetPath(pathId);
      }
    }
    candidatesStale = true;
  }

  /** Number of paths. */
  public int pathCount() {
    return pathCount;
  }

  /**
   * The paths to send one tunnel packet of {@code length} payload bytes on: bit i set means path id
   * i. Usually one bit; several for the redundant scheduler; 0 only when there is no path. The
   * packet is counted as sent on each. When a path starts carrying packets, probes announcing it go
   * out through {@code out} first (the peer's reorder buffer must know before the packet's id
   * arrives elsewhere).
   */
  public long pickPaths(int length, long nowNanos, LinkOutput<T> out) {
    touch(nowNanos);
    if (candidatesStale) {
      refreshCandidates(nowNanos);
    }
    long mask = scheduler.pick(candidates, length, nowNanos);
    if (mask == 0) {
      return 0;
    }
    if ((mask & ~sendingSet) != 0) {
      sendingSet |= mask;
      announce(nowNanos, out);
    }
    packets++;
    bytes += length;
    if (candidates.tier != Tier.PRIMARY && candidates.tier != Tier.BACKUP) {
      sentWithoutUpPath++;
    }
    duplicatesSent += Long.bitCount(mask) - 1;
    for (long m = mask; m != 0; m &= m - 1) {
      Path p = paths[Long.numberOfTrailingZeros(m)];
      p.countSent(length);
      p.dataPackets++;
      p.dataBytes += length;
      p.lastDataSentNanos = nowNanos;
    }
    return mask;
  }

  /**
   * An authenticated, fresh probe message (key {@code keyId}, data-channel packet id {@code
   * packetId}) arrived on path {@code pathId}. A probe is answered at once on the same path; a
   * reply feeds the path's estimates and state if it matches a probe we sent. Its packet id fills
   * its place in the reorder sequence either way. Returns null if the message was used, else why
   * not (counted); never throws for bad bytes.
   */
  public ProbeDrop onProbe(
      int pathId,
      int keyId,
      long packetId,
      byte[] plain,
      int off,
      int len,
      long nowNanos,
      LinkOutput<T> out) {
    touch(nowNanos);
    Path p = path(pathId);
    if (p == null) {
      return drop(ProbeDrop.UNKNOWN_PATH);
    }
    p.countReceived(len, nowNanos);
    liveMask |= 1L << pathId;
    if (config.reorder().enabled()) {
      buffer(keyId).offer(pathId, packetId, ReorderBuffer.FILLER, 0, nowNanos, liveMask, out);
    }
    ProbeDrop malformed = ProbeCodec.decode(plain, off, len, message);
    if (malformed != null) {
      return drop(malformed);
    }
    return message.kind == ProbeMessage.PROBE
        ? answer(p, keyId, packetId, nowNanos, out)
        : onReply(p, nowNanos);
  }

  /**
   * An authenticated tunnel payload (not a probe) that the replay window accepted arrived on path
   * {@code pathId}: it is delivered through {@code out} in packet-id order, at once if nothing
   * before it is missing.
   */
  public void onData(
      int pathId,
      int keyId,
      long packetId,
      T payload,
      int length,
      long nowNanos,
      LinkOutput<T> out) {
    touch(nowNanos);
    Path p = path(pathId);
    if (p == null || !config.reorder().enabled()) {
      if (p != null) {
        p.countReceived(length, nowNanos);
      }
      out.deliver(payload);
      return;
    }
    p.countReceived(length, nowNanos);
    liveMask |= 1L << pathId;
    buffer(keyId).offer(pathId, packetId, payload, length, nowNanos, liveMask, out);
  }

  /**
   * An authenticated packet (key {@code keyId}, id {@code packetId}) that the replay window had
   * already seen arrived on path {@code pathId}: a redundant copy. It counts as received on that
   * path (the peer's loss estimate needs it) and as a duplicate, and tells the reorder buffer that
   * this path has passed that id; it is not delivered.
   */
  public void onDuplicate(
      int pathId, int keyId, long packetId, int length, long nowNanos, LinkOutput<T> out) {
    touch(nowNanos);
    Path p = path(pathId);
    if (p == null) {
      return;
    }
    p.countReceived(length, nowNanos);
    p.duplicatesReceived++;
    duplicatesReceived++;
    liveMask |= 1L << pathId;
    if (config.reorder().enabled()) {
      buffer(keyId).passed(pathId, packetId, liveMask, out);
    }
  }

  /**
   * A new data-channel key was installed under {@code keyId}: its packet ids restart at 1. Packets
   * still held for the previous key with that id are released in order first.
   */
  public void keyStarted(int keyId, LinkOutput<T> out) {
    ReorderBuffer<T> b = reorder.get(keyId & (KEY_IDS - 1));
    if (b != null) {
      b.restart(out);
    }
  }

  /**
   * Timers: sends the probes that are due, moves paths whose probes went unanswered to degraded or
   * down, removes learned paths down for too long, and gives up reorder gaps whose timeout expired.
   */
  public void poll(long nowNanos, LinkOutput<T> out) {
    touch(nowNanos);
    liveMask = 0;
    long idle = 0;
    for (Path p : paths) {
      if (p == null) {
        continue;
      }
      if (p.heardWithin(liveWindowNanos, nowNanos)) {
        liveMask |= 1L << p.id;
      }
      evaluate(p, nowNanos);
      if (p.learned
          && p.state() == PathState.DOWN
          && nowNanos - p.health.sinceNanos() >= config.forgetLearnedAfter().toNanos()) {
        removePath(p.id);
        out.pathRemoved(p.id);
        continue;
      }
      if ((sendingSet & (1L << p.id)) != 0 && nowNanos - p.lastDataSentNanos >= carryIdleNanos) {
        idle |= 1L << p.id;
      }
      long fast = p.lastProbeSentNanos + intervalNanos / 4;
      if (probeFast(p) && fast - p.nextProbeNanos < 0) {
        p.nextProbeNanos = fast;
      }
      if (nowNanos - p.nextProbeNanos >= 0) {
        sendProbe(p, nowNanos, out);
        p.nextProbeNanos = nowNanos + (probeFast(p) ? intervalNanos / 4 : intervalNanos);
      }
    }
    if (idle != 0) {
      sendingSet &= ~idle;
      announce(nowNanos, out);
    }
    updateHoldTimeout(nowNanos);
    if (candidatesStale) {
      refreshCandidates(nowNanos);
    }
    for (ReorderBuffer<T> b : reorder) {
      if (b != null) {
        b.poll(nowNanos, holdTimeoutNanos, liveMask, out);
      }
    }
  }

  /**
   * Probe four times as often while a path is in doubt (a probe overdue) or coming back: more
   * samples in the same down timeout tell a lossy path from a dead one, and a restored path is
   * confirmed within a fraction of the interval.
   */
  private static boolean probeFast(Path p) {
    return switch (p.state()) {
      case DOWN -> p.health.cause() == StateCause.RECOVERING;
      case PROBING -> false;
      default -> p.missedInARow > 0;
    };
  }

  /** When {@link #poll} has something to do next, on the caller's clock. */
  public long nextDeadlineNanos() {
    long next = Long.MAX_VALUE;
    long forget = config.forgetLearnedAfter().toNanos();
    for (Path p : paths) {
      if (p == null) {
        continue;
      }
      next = Math.min(next, p.nextProbeNanos);
      next = Math.min(next, p.health.nextDeadlineNanos(p.rtt.rttvar()));
      next =
          Math.min(next, p.ledger.nextOverdueNanos(lastNanos, p.probeTimeoutNanos(intervalNanos)));
      if (p.learned && p.state() == PathState.DOWN) {
        next = Math.min(next, p.health.sinceNanos() + forget);
      }
      if ((sendingSet & (1L << p.id)) != 0) {
        next = Math.min(next, p.lastDataSentNanos + carryIdleNanos);
      }
    }
    for (ReorderBuffer<T> b : reorder) {
      if (b != null) {
        next = Math.min(next, b.deadlineNanos(holdTimeoutNanos));
      }
    }
    return next;
  }

  /** An immutable copy of every path's state and every counter. Call on the owner thread. */
  public LinkSnapshot snapshot(long nowNanos) {
    touch(nowNanos);
    if (candidatesStale) {
      refreshCandidates(nowNanos);
    }
    List<PathSnapshot> list = new ArrayList<>(pathCount);
    for (Path p : paths) {
      if (p != null) {
        list.add(snapshot(p));
      }
    }
    Map<GapReason, Long> gaps = new EnumMap<>(GapReason.class);
    for (GapReason r : GapReason.values()) {
      gaps.put(r, reorderCounters.gapsGivenUp[r.ordinal()]);
    }
    ReorderSnapshot r =
        new ReorderSnapshot(
            config.reorder().enabled(),
            holdTimeoutNanos,
            reorderCounters.held,
            reorderCounters.heldNow,
            reorderCounters.heldBytesNow,
            reorderCounters.releasedInOrder,
            reorderCounters.releasedLate,
            reorderCounters.duplicatesDropped,
            reorderCounters.idsGivenUp,
            gaps);
    SchedulerSnapshot s =
        new SchedulerSnapshot(
            config.scheduler(),
            candidates.tier,
            packets,
            bytes,
            duplicatesSent,
            failovers,
            backupActivations,
            sentWithoutUpPath,
            scheduler.overcommitted(),
            sendingSet,
            announcements);
    Map<ProbeDrop, Long> drops = new EnumMap<>(ProbeDrop.class);
    for (ProbeDrop d : ProbeDrop.values()) {
      if (probeDrops[d.ordinal()] != 0) {
        drops.put(d, probeDrops[d.ordinal()]);
      }
    }
    return new LinkSnapshot(
        nowNanos, list, s, r, drops, pathsRefused, pathsRemoved, duplicatesReceived);
  }

  private PathSnapshot snapshot(Path p) {
    PathState state = p.state();
    if (state == PathState.UP && p.backup && candidates.tier == Tier.PRIMARY) {
      state = PathState.BACKUP;
    }
    return new PathSnapshot(
        p.id,
        p.name,
        p.uplinkId,
        p.weight,
        p.backup,
        p.learned,
        state,
        p.health.cause(),
        p.health.sinceNanos(),
        p.rtt.srtt(),
        p.rtt.hasSample() ? p.rtt.rttvar() : -1,
        p.rtt.minRtt(),
        p.loss.loss(),
        p.rate.rate(),
        p.rate.delivery(),
        p.rate.cuts(),
        p.txPackets,
        p.txBytes,
        p.dataPackets,
        p.dataBytes,
        p.rxPackets,
        p.rxBytes,
        p.probesSent,
        p.probesAnswered,
        p.probesReceived,
        p.repliesSent,
        p.duplicatesReceived,
        p.lastProbeSentNanos,
        p.health.answered() ? p.health.lastAnswerNanos() : Long.MIN_VALUE,
        p.health.downs());
  }

  private ProbeDrop answer(Path p, int keyId, long packetId, long nowNanos, LinkOutput<T> out) {
    p.probesReceived++;
    p.peerPathId = message.pathId;
    if (p.peerReceived >= 0 && message.packetsReceived > p.peerReceived) {
      p.health.onDelivered(nowNanos); // our packets reach the peer on this path
    }
    p.peerReceived = message.packetsReceived;
    if (config.reorder().enabled()) {
      long covered = 0;
      long carrying = 0;
      long named = 0;
      for (Path q : paths) {
        if (q != null && q.peerPathId >= 0) {
          covered |= 1L << q.id;
          named |= 1L << q.peerPathId;
          if ((message.sendingSet & (1L << q.peerPathId)) != 0) {
            carrying |= 1L << q.id;
          }
        }
      }
      boolean blind = (message.sendingSet & ~named) != 0;
      if (packetId >= latestAnnouncementId || keyId != latestAnnouncementKey) {
        latestAnnouncementId = packetId;
        latestAnnouncementKey = keyId;
        peerCarrying = carrying;
        peerBlind = blind;
      }
      buffer(keyId).announce(packetId, carrying, covered, blind, liveMask, out);
    }
    p.reverse.sample(nowNanos - message.sentNanos, nowNanos);
    if (p.learned
        && (p.uplinkId != message.uplinkId
            || p.weight != message.weight
            || p.backup != message.backup)) {
      p.uplinkId = message.uplinkId;
      p.weight = message.weight;
      p.backup = message.backup;
      candidatesStale = true;
    }
    int n =
        ProbeCodec.encodeReply(
            scratch, 0, message, nowNanos, 0, p.probesReceived, p.rxPackets, p.rxBytes);
    p.countSent(n);
    p.repliesSent++;
    updateHoldTimeout(nowNanos);
    out.sendProbe(p.id, scratch, 0, n);
    return null;
  }

  private ProbeDrop onReply(Path p, long nowNanos) {
    if (message.pathId != p.id) {
      return drop(ProbeDrop.WRONG_PATH);
    }
    ProbeDrop invalid = p.ledger.check(message.sequence, message.echoedNanos);
    if (invalid != null) {
      return drop(invalid);
    }
    int slot = ProbeLedger.slot(message.sequence);
    if (message.holdNanos > nowNanos - p.ledger.sentNanos(slot)) {
      return drop(ProbeDrop.BAD_HOLD_TIME);
    }
    p.onAnswer(message, slot, nowNanos, queueTargetNanos);
    evaluate(p, nowNanos);
    candidatesStale = true; // rates and delays changed
    updateHoldTimeout(nowNanos);
    return null;
  }

  private void sendProbe(Path p, long nowNanos, LinkOutput<T> out) {
    int n = ProbeCodec.PROBE_LENGTH;
    long seq = p.ledger.next(nowNanos, p.txPackets + 1, p.txBytes + n);
    ProbeCodec.encodeProbe(
        scratch, 0, p.id, p.uplinkId, p.weight, p.backup, seq, nowNanos, sendingSet, p.rxPackets);
    p.countSent(n);
    p.probesSent++;
    p.lastProbeSentNanos = nowNanos;
    out.sendProbe(p.id, scratch, 0, n);
  }

  /** Tells the peer on every path, at once, which paths carry packets now. */
  private void announce(long nowNanos, LinkOutput<T> out) {
    announcements++;
    for (Path p : paths) {
      if (p != null) {
        sendProbe(p, nowNanos, out);
      }
    }
  }

  private void evaluate(Path p, long nowNanos) {
    p.missedInARow = p.ledger.missedInARow(nowNanos, p.probeTimeoutNanos(intervalNanos));
    if (p.health.evaluate(nowNanos, p.missedInARow, p.queueing, p.loss.loss(), p.rtt.rttvar())) {
      candidatesStale = true;
      if (p.state() == PathState.DOWN) {
        p.restartSpans();
      }
    }
  }

  private void refreshCandidates(long nowNanos) {
    candidates.refresh(paths, scheduler.usesDegradedPaths());
    if (candidates.count > 0) {
      for (long m = previousMask & ~candidates.mask; m != 0; m &= m - 1) {
        Path p = paths[Long.numberOfTrailingZeros(m)];
        if (p != null && (p.state() == PathState.DOWN || p.state() == PathState.DEGRADED)) {
          failovers++;
        }
      }
    }
    if (previousTier == Tier.PRIMARY && candidates.tier == Tier.BACKUP) {
      backupActivations++;
    }
    previousMask = candidates.mask;
    previousTier = candidates.tier;
    scheduler.prepare(candidates, nowNanos);
    candidatesStale = false;
  }

  /**
   * The reorder hold timeout: how much later than the fastest live path the slowest may deliver,
   * plus the margin, plus a boost that grows each time a packet arrived after its gap timed out
   * (the timeout was too short) and halves after ten seconds without. From the peer's probes'
   * one-way delays when every live path has them: the largest of the last seconds on the slowest
   * path against the smallest on the fastest, exact even on asymmetric paths and including
   * queueing. Else from round trips, else the maximum.
   */
  private void updateHoldTimeout(long nowNanos) {
    long maxHold = config.reorder().maxHold().toNanos();
    long margin = config.reorder().margin().toNanos();
    if (reorderCounters.releasedLate > lateSeen) {
      lateSeen = reorderCounters.releasedLate;
      lateBoostNanos = Math.min(maxHold, lateBoostNanos + Math.max(margin, 1_000_000));
      lateBoostSinceNanos = nowNanos;
    } else if (lateBoostNanos > 0 && nowNanos - lateBoostSinceNanos >= LATE_BOOST_DECAY_NANOS) {
      lateBoostNanos /= 2;
      lateBoostSinceNanos = nowNanos;
    }
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    boolean oneWay = true;
    boolean roundTrip = true;
    long considered = liveMask | peerCarrying;
    for (Path p : paths) {
      if (p != null && (considered & (1L << p.id)) != 0) {
        oneWay &= p.reverse.hasSample();
        roundTrip &= p.rtt.hasSample();
      }
    }
    if (considered == 0 || peerBlind || !roundTrip && !oneWay) {
      holdTimeoutNanos = maxHold; // a path we know nothing about may still deliver
      return;
    }
    for (Path p : paths) {
      if (p != null && (considered & (1L << p.id)) != 0) {
        lo = Math.min(lo, oneWay ? p.reverse.base() : p.rtt.minRtt());
        hi = Math.max(hi, oneWay ? p.reverse.peak() : p.rtt.srtt() + 4 * p.rtt.rttvar());
      }
    }
    holdTimeoutNanos = Math.clamp(hi - lo + margin + lateBoostNanos, margin, maxHold);
  }

  private ReorderBuffer<T> buffer(int keyId) {
    int k = keyId & (KEY_IDS - 1);
    ReorderBuffer<T> b = reorder.get(k);
    if (b == null) {
      b = new ReorderBuffer<>(config.reorder(), paths.length, reorderCounters);
      reorder.set(k, b);
    }
    return b;
  }

  private Path path(int pathId) {
    return pathId >= 0 && pathId < paths.length ? paths[pathId] : null;
  }

  private ProbeDrop drop(ProbeDrop reason) {
    probeDrops[reason.ordinal()]++;
    return reason;
  }

  private void touch(long nowNanos) {
    if (nowNanos - lastNanos > 0) {
      lastNanos = nowNanos;
    }
  }
}
