package dev.braid.agent.multipath;

/**
 * The state machine of one path, fed only with answered probes (which the data channel has
 * authenticated and the {@link ProbeLedger} matched to a probe we sent) and the passage of time.
 *
 * <ul>
 *   <li>PROBING until the first answer; down if none comes within {@code max(3 x down timeout, 2
 *       s)} (a satellite link's first answer takes its whole round trip).
 *   <li>UP while answering with loss within the limit; DEGRADED after {@code suspectAfterMissed}
 *       overdue probes in a row (traffic moves away at once; not while the path's last answer met a
 *       queue, when lost probes are congestion drops) or above the loss limit (back below half of
 *       it: hysteresis).
 *   <li>DOWN when no answer came for the down timeout, {@code max(downAfterMissed x interval,
 *       interval + 4 x rttvar)}: the timeout follows the interval and the round-trip variance, so a
 *       long but steady round trip does not flap a path (answers keep arriving every interval).
 *   <li>Back from DOWN after {@code upAfterAnswers} answers without a silence as long as the down
 *       timeout in between (single losses do not restart the count, so a lossy path recovers),
 *       doubled for each time the path went down again within 10 s of coming up (at most 8x), reset
 *       after 30 s up.
 * </ul>
 */
final class PathHealth {
  private static final long FLAP_WINDOW_NANOS = 10_000_000_000L;
  private static final long STABLE_NANOS = 30_000_000_000L;
  private static final long MIN_PROBING_NANOS = 2_000_000_000L;
  private static final int MAX_PENALTY = 8;

  private final long intervalNanos;
  private final int downAfterMissed;
  private final int suspectAfterMissed;
  private final int upAfterAnswers;
  private final double lossLimit;
  private final long createdNanos;

  private PathState state = PathState.PROBING;
  private StateCause cause = StateCause.AWAITING_FIRST_ANSWER;
  private long sinceNanos;
  private boolean answered;
  private long lastAnswerNanos;
  private long lastDeliveredNanos = Long.MIN_VALUE;
  private int answersSinceSilence;
  private int penalty = 1;
  private long upSinceNanos;
  private long downs;

  PathHealth(MultipathConfig config, long nowNanos) {
    this.intervalNanos = config.probeInterval().toNanos();
    this.downAfterMissed = config.downAfterMissed();
    this.suspectAfterMissed = config.suspectAfterMissed();
    this.upAfterAnswers = config.upAfterAnswers();
    this.lossLimit = config.lossLimit();
    this.createdNanos = nowNanos;
    this.sinceNanos = nowNanos;
  }

  /** An authenticated, matching answer to one of our probes arrived. */
  void onAnswer(long nowNanos) {
    answered = true;
    lastAnswerNanos = nowNanos;
    answersSinceSilence++;
  }

  /**
   * The peer's probe says it received more of our packets on this path than before: our sending
   * direction works, even if our probes were lost in a full queue. Keeps a path from going down (it
   * is not silent), but never brings one up: only answers to our own probes do.
   */
  void onDelivered(long nowNanos) {
    lastDeliveredNanos = nowNanos;
  }

  /** Silence after which the path is down. */
  long downTimeoutNanos(long rttvarNanos) {
    return Math.max(downAfterMissed * intervalNanos, intervalNanos + 4 * rttvarNanos);
  }

  /**
   * Re-evaluates the state from the current run of missed probes, loss and time; true if it
   * changed.
   */
  boolean evaluate(
      long nowNanos, int missedInARow, boolean queueing, double loss, long rttvarNanos) {
    // Probes lost in a full queue are congestion, not a dead path: only silence decides then.
    int missed = queueing ? 0 : missedInARow;
    long downTimeout = downTimeoutNanos(rttvarNanos);
    boolean silent = !answered || nowNanos - lastAnswerNanos > downTimeout;
    boolean delivering =
        lastDeliveredNanos != Long.MIN_VALUE && nowNanos - lastDeliveredNanos <= downTimeout;
    return switch (state) {
      case PROBING -> {
        if (answered) {
          yield becomeAlive(nowNanos, missed, loss);
        }
        if (nowNanos - createdNanos > Math.max(3 * downTimeout, MIN_PROBING_NANOS)) {
          yield set(PathState.DOWN, StateCause.SILENT, nowNanos);
        }
        yield false;
      }
      case DOWN -> {
        if (silent) {
          answersSinceSilence = 0;
        } else if (answersSinceSilence >= upAfterAnswers * penalty) {
          yield becomeAlive(nowNanos, missed, loss);
        }
        yield set(PathState.DOWN, silent ? StateCause.SILENT : StateCause.RECOVERING, nowNanos);
      }
      case UP, DEGRADED, BACKUP -> {
        if (silent && !delivering) {
          goDown(nowNanos);
          yield true;
        }
        if (state == PathState.UP && nowNanos - upSinceNanos >= STABLE_NANOS) {
          penalty = 1;
        }
        yield becomeAlive(nowNanos, missed, loss);
      }
    };
  }

  private void goDown(long nowNanos) {
    if (nowNanos - upSinceNanos < FLAP_WINDOW_NANOS) {
      penalty = Math.min(MAX_PENALTY, penalty * 2);
    }
    downs++;
    answersSinceSilence = 0;
    set(PathState.DOWN, StateCause.SILENT, nowNanos);
  }

  private boolean becomeAlive(long nowNanos, int missedInARow, double loss) {
    if (state == PathState.PROBING || state == PathState.DOWN) {
      upSinceNanos = nowNanos;
    }
    if (missedInARow >= suspectAfterMissed) {
      return set(PathState.DEGRADED, StateCause.MISSED_PROBES, nowNanos);
    }
    boolean lossy =
        loss > lossLimit
            || (state == PathState.DEGRADED && cause == StateCause.LOSSY && loss > lossLimit / 2);
    if (lossy) {
      return set(PathState.DEGRADED, StateCause.LOSSY, nowNanos);
    }
    return set(PathState.UP, StateCause.ANSWERING, nowNanos);
  }

  private boolean set(PathState s, StateCause c, long nowNanos) {
    if (s == state && c == cause) {
      return false;
    }
    if (s != state) {
      sinceNanos = nowNanos;
    }
    boolean changed = s != state;
    state = s;
    cause = c;
    return changed;
  }

  /**
   * When {@link #evaluate} would next change the state by the passage of time alone (silence),
   * given no further answers; {@link Long#MAX_VALUE} if never.
   */
  long nextDeadlineNanos(long rttvarNanos) {
    long downTimeout = downTimeoutNanos(rttvarNanos);
    return switch (state) {
      case PROBING ->
          answered // left on the next evaluation, which follows every answer
              ? Long.MAX_VALUE
              : createdNanos + Math.max(3 * downTimeout, MIN_PROBING_NANOS) + 1;
      case DOWN -> Long.MAX_VALUE;
      default ->
          Math.max(
                  lastAnswerNanos,
                  lastDeliveredNanos == Long.MIN_VALUE ? lastAnswerNanos : lastDeliveredNanos)
              + downTimeout
              + 1;
    };
  }

  PathState state() {
    return state;
  }

  StateCause cause() {
    return cause;
  }

  long sinceNanos() {
    return sinceNanos;
  }

  boolean answered() {
    return answered;
  }

  long lastAnswerNanos() {
    return lastAnswerNanos;
  }

  /** Times the path went down. */
  long downs() {
    return downs;
  }

  /** Consecutive answers a down path needs now (flap penalty included). */
  int answersNeeded() {
    return upAfterAnswers * penalty;
  }
}
