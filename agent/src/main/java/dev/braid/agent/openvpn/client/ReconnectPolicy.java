package dev.braid.agent.openvpn.client;

import dev.braid.agent.openvpn.client.profile.AuthRetry;
import dev.braid.agent.openvpn.client.profile.ClientProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * When and where a client tries again after a session ended, with OpenVPN 2.6's semantics and
 * jitter on top. Pure: the caller reports each outcome with the time and asks for a {@link
 * Decision}; nothing here sleeps or reads a clock.
 *
 * <ul>
 *   <li>Remotes are tried in profile order (shuffled once with {@code remote-random}); a failed
 *       attempt moves to the next one, and after a session that connected the first retry stays on
 *       the same remote. {@code AUTH_FAILED} stays too; {@code RESTART} with {@code [N]} and {@code
 *       AUTH_FAILED,TEMP[advance ...]} move on.
 *   <li>The wait is {@code connect-retry} (1 s; 10 s with {@code auth-retry nointeract}) until five
 *       unsuccessful attempts per remote, then doubles per further attempt, capped at {@code
 *       connect-retry n max} (300 s) and raised to any backoff the server asked for.
 *   <li>Each wait is shortened by a random fraction up to {@link Settings#jitter()}, so that many
 *       sites that lost a hub together do not all come back in the same second.
 *   <li>{@link #connected} resets the count: the next failure starts from the short wait again.
 *   <li>{@code connect-retry-max n} stops after n unsuccessful attempts per remote; non-retryable
 *       ends ({@code AUTH_FAILED} with {@code auth-retry none}, {@code HALT}, the caller's own
 *       close) stop at once.
 * </ul>
 *
 * The attempt deadlines themselves ({@code server-poll-timeout}, {@code hand-window}) run in the
 * {@link ClientSession}; they end an attempt with a {@link CloseReason} this policy acts on.
 */
public final class ReconnectPolicy {
  /** OpenVPN's base wait with {@code auth-retry nointeract}. */
  static final Duration AUTH_RETRY_WAIT = Duration.ofSeconds(10);

  /** Unsuccessful attempts per remote before the wait starts doubling. */
  static final int ATTEMPTS_BEFORE_BACKOFF = 5;

  /**
   * @param connectRetry base wait between attempts ({@code connect-retry n})
   * @param connectRetryMaxWait cap of the doubled wait ({@code connect-retry n max})
   * @param connectRetryMax unsuccessful attempts per remote before giving up; 0 never
   * @param authRetry what {@code AUTH_FAILED} leads to
   * @param jitter largest fraction (0..1) a wait is shortened by at random
   */
  public record Settings(
      Duration connectRetry,
      Duration connectRetryMaxWait,
      int connectRetryMax,
      AuthRetry authRetry,
      double jitter) {
    public Settings {
      if (jitter < 0 || jitter >= 1) {
        throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
      }
      if (connectRetry.isNegative() || connectRetryMaxWait.compareTo(connectRetry) < 0) {
        throw new IllegalArgumentException(
            "connect-retry " + connectRetry + " with cap " + connectRetryMaxWait);
      }
    }

    /** The profile's settings, with {@link #DEFAULT_JITTER}. */
    public static Settings of(ClientProfile p) {
      return new Settings(
          p.connectRetry(),
          p.connectRetryMaxWait(),
          p.connectRetryMax(),
          p.authRetry(),
          DEFAULT_JITTER);
    }
  }

  /** Waits are shortened by up to a quarter: never longer than a stock client's. */
  public static final double DEFAULT_JITTER = 0.25;

  /**
   * What to do next.
   *
   * @param retry whether to try again at all
   * @param remote index into the profile's remotes for the next attempt
   * @param notBeforeNanos earliest time the next attempt may start
   * @param reason why (the close reason, and for a stop what ended the retries)
   */
  public record Decision(boolean retry, int remote, long notBeforeNanos, String reason) {}

  private final Settings settings;
  private final RandomGenerator random;
  private final List<Integer> order;
  private int position;
  private int unsuccessful;
  private boolean stayOnce;

  /**
   * @param remotes how many remotes the profile has
   * @param shuffle try them in a random order ({@code remote-random})
   */
  public ReconnectPolicy(Settings settings, int remotes, boolean shuffle, RandomGenerator random) {
    if (remotes < 1) {
      throw new IllegalArgumentException("at least one remote is needed");
    }
    this.settings = settings;
    this.random = random;
    List<Integer> o = new ArrayList<>();
    for (int i = 0; i < remotes; i++) {
      o.add(i);
    }
    if (shuffle) {
      Collections.shuffle(o, random instanceof Random r ? r : new Random(random.nextLong()));
    }
    this.order = List.copyOf(o);
  }

  /** The policy a profile describes. */
  public static ReconnectPolicy of(ClientProfile p, RandomGenerator random) {
    return new ReconnectPolicy(Settings.of(p), p.remotes().size(), p.remoteRandom(), random);
  }

  /** The remote (index into the profile's remotes) to use for the current attempt. */
  public int remote() {
    return order.get(position);
  }

  /** The attempt connected (PUSH_REPLY applied): failures count from zero again. */
  public void connected() {
    unsuccessful = 0;
    stayOnce = true;
  }

  /** Unsuccessful attempts counted towards the backoff and {@code connect-retry-max}. */
  public int unsuccessfulAttempts() {
    return unsuccessful;
  }

  /** The session ended at {@code nowNanos} for {@code reason}: when and where to try again. */
  public Decision afterClose(CloseReason reason, long nowNanos) {
    boolean authFailure =
        reason.kind() == CloseReason.Kind.AUTH_FAILED
            || reason.kind() == CloseReason.Kind.AUTH_FAILED_TEMP;
    boolean retry =
        reason.retryable()
            || reason.kind() == CloseReason.Kind.AUTH_FAILED
                && settings.authRetry() != AuthRetry.NONE;
    if (!retry) {
      return new Decision(false, remote(), Long.MAX_VALUE, reason.toString());
    }
    boolean stay = (stayOnce || authFailure) && !reason.advance();
    stayOnce = false;
    if (!stay) {
      position = (position + 1) % order.size();
      unsuccessful++;
    }
    int n = order.size();
    if (settings.connectRetryMax() > 0 && unsuccessful > n * settings.connectRetryMax()) {
      return new Decision(
          false,
          remote(),
          Long.MAX_VALUE,
          reason
              + "; every remote failed connect-retry-max ("
              + settings.connectRetryMax()
              + ") times");
    }
    return new Decision(true, remote(), nowNanos + waitNanos(reason), reason.toString());
  }

  /**
   * OpenVPN's wait (capped), shortened by the jitter so that sites at the cap spread out too, then
   * raised to what the server asked for, which the cap bounds as well (as in OpenVPN).
   */
  private long waitNanos(CloseReason reason) {
    long seconds =
        settings.authRetry() == AuthRetry.NONE
            ? settings.connectRetry().toSeconds()
            : AUTH_RETRY_WAIT.toSeconds();
    int backoff = unsuccessful / order.size() - (ATTEMPTS_BEFORE_BACKOFF - 1);
    if (backoff > 0) {
      seconds = Math.max(seconds, 1) << Math.min(backoff, 15);
    }
    long cap = settings.connectRetryMaxWait().toNanos();
    long nanos = Math.min(seconds * 1_000_000_000L, cap);
    nanos -= (long) (nanos * settings.jitter() * random.nextDouble());
    nanos = Math.max(nanos, reason.serverBackoff().toNanos());
    return Math.min(nanos, cap);
  }
}
