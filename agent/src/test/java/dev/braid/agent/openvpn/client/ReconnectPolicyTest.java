package dev.braid.agent.openvpn.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.openvpn.client.profile.AuthRetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {
  private static final long S = 1_000_000_000L;
  private static final CloseReason TIMEOUT =
      CloseReason.retry(CloseReason.Kind.HANDSHAKE_TIMEOUT, "no answer", true);
  private static final CloseReason PING =
      CloseReason.retry(CloseReason.Kind.PING_RESTART, "silence", false);

  static ReconnectPolicy.Settings settings(double jitter, int retryMax, AuthRetry authRetry) {
    return new ReconnectPolicy.Settings(
        Duration.ofSeconds(1), Duration.ofSeconds(300), retryMax, authRetry, jitter);
  }

  @Test
  void failuresAlternateRemotesWaitOneSecondFiveTimesPerRemoteThenDoubleUpToTheCap() {
    ReconnectPolicy p =
        new ReconnectPolicy(settings(0, 0, AuthRetry.NONE), 2, false, new Random(1));
    List<Long> waits = new ArrayList<>();
    List<Integer> remotes = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      ReconnectPolicy.Decision d = p.afterClose(TIMEOUT, 0);
      assertThat(d.retry()).isTrue();
      waits.add(d.notBeforeNanos() / S);
      remotes.add(d.remote());
    }
    assertThat(remotes.subList(0, 4)).containsExactly(1, 0, 1, 0);
    // OpenVPN: backoff = attempts / remotes - 4, wait = 1 << backoff, capped at 300
    assertThat(waits)
        .containsExactly(
            1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 2L, 2L, 4L, 4L, 8L, 8L, 16L, 16L, 32L, 32L, 64L,
            64L, 128L, 128L, 256L);
    assertThat(p.afterClose(TIMEOUT, 0).notBeforeNanos() / S).isEqualTo(256);
    assertThat(p.afterClose(TIMEOUT, 0).notBeforeNanos() / S).isEqualTo(300);
  }

  @Test
  void jitterOnlyShortensWaitsAndSpreadsThem() {
    ReconnectPolicy p =
        new ReconnectPolicy(settings(0.25, 0, AuthRetry.NONE), 1, false, new Random(2));
    List<Long> atCap = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      long wait = p.afterClose(TIMEOUT, 0).notBeforeNanos();
      if (i >= 20) {
        atCap.add(wait);
        assertThat(wait).isBetween(225 * S, 300 * S);
      }
    }
    assertThat(atCap.stream().distinct().count())
        .as("spread, not one second for all")
        .isGreaterThan(15);
  }

  @Test
  void aConnectedSessionResetsTheCountAndItsFirstRetryStaysOnTheSameRemote() {
    ReconnectPolicy p =
        new ReconnectPolicy(settings(0, 0, AuthRetry.NONE), 3, false, new Random(3));
    for (int i = 0; i < 20; i++) {
      p.afterClose(TIMEOUT, 0);
    }
    int remote = p.remote();
    p.connected();
    ReconnectPolicy.Decision d = p.afterClose(PING, 100 * S);
    assertThat(d.remote()).isEqualTo(remote);
    assertThat(d.notBeforeNanos()).isEqualTo(101 * S);
    assertThat(p.unsuccessfulAttempts()).isZero();
    assertThat(p.afterClose(TIMEOUT, 200 * S).remote()).isEqualTo((remote + 1) % 3);
  }

  @Test
  void restartWithNMovesOnEvenAfterAConnectedSession() {
    ReconnectPolicy p =
        new ReconnectPolicy(settings(0, 0, AuthRetry.NONE), 2, false, new Random(4));
    p.connected();
    assertThat(p.afterClose(ServerMessages.ending("RESTART,[N]go"), 0).remote()).isEqualTo(1);
  }

  @Test
  void authFailedStopsUnlessAuthRetryAndThenRetriesTheSameRemoteEveryTenSeconds() {
    CloseReason failed = ServerMessages.ending("AUTH_FAILED,revoked");
    ReconnectPolicy stop =
        new ReconnectPolicy(settings(0, 0, AuthRetry.NONE), 2, false, new Random(5));
    ReconnectPolicy.Decision d = stop.afterClose(failed, 0);
    assertThat(d.retry()).isFalse();
    assertThat(d.reason()).contains("revoked");

    ReconnectPolicy retry =
        new ReconnectPolicy(settings(0, 0, AuthRetry.NOINTERACT), 2, false, new Random(6));
    ReconnectPolicy.Decision again = retry.afterClose(failed, 0);
    assertThat(again.retry()).isTrue();
    assertThat(again.remote()).isZero();
    assertThat(again.notBeforeNanos()).isEqualTo(10 * S);
  }

  @Test
  void theServersBackoffIsAFloorUnderTheCap() {
    ReconnectPolicy p =
        new ReconnectPolicy(settings(0.25, 0, AuthRetry.NONE), 1, false, new Random(7));
    CloseReason temp = ServerMessages.ending("AUTH_FAILED,TEMP[backoff 45]:busy");
    assertThat(p.afterClose(temp, 0).notBeforeNanos()).isEqualTo(45 * S);
    CloseReason huge = ServerMessages.ending("AUTH_FAILED,TEMP[backoff 9000]:busy");
    assertThat(p.afterClose(huge, 0).notBeforeNanos()).isEqualTo(300 * S);
  }

  @Test
  void connectRetryMaxStopsAfterThatManyRoundsAndNonRetryableEndsStopAtOnce() {
    ReconnectPolicy p =
        new ReconnectPolicy(settings(0, 2, AuthRetry.NONE), 2, false, new Random(8));
    for (int i = 0; i < 4; i++) {
      assertThat(p.afterClose(TIMEOUT, 0).retry()).isTrue();
    }
    ReconnectPolicy.Decision last = p.afterClose(TIMEOUT, 0);
    assertThat(last.retry()).isFalse();
    assertThat(last.reason()).contains("connect-retry-max (2)");

    ReconnectPolicy q =
        new ReconnectPolicy(settings(0, 0, AuthRetry.NOINTERACT), 1, false, new Random(9));
    assertThat(q.afterClose(ServerMessages.ending("HALT"), 0).retry()).isFalse();
    assertThat(q.afterClose(CloseReason.stop(CloseReason.Kind.CLIENT_EXIT, "bye"), 0).retry())
        .isFalse();
  }

  @Test
  void remoteRandomShufflesOnceAndThenKeepsThatOrder() {
    ReconnectPolicy p =
        new ReconnectPolicy(settings(0, 0, AuthRetry.NONE), 5, true, new Random(10));
    List<Integer> first = new ArrayList<>(List.of(p.remote()));
    for (int i = 0; i < 9; i++) {
      first.add(p.afterClose(TIMEOUT, 0).remote());
    }
    assertThat(first.subList(0, 5)).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    assertThat(first.subList(0, 5)).isNotEqualTo(List.of(0, 1, 2, 3, 4));
    assertThat(first.subList(5, 10)).isEqualTo(first.subList(0, 5));
  }
}
