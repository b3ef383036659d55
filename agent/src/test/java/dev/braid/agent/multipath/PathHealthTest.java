package dev.braid.agent.multipath;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathHealthTest {
  private static final long MS = 1_000_000;
  private static final long S = 1_000 * MS;

  private final PathHealth health = new PathHealth(MultipathConfig.defaults(), 0);

  private void answer(long at) {
    health.onAnswer(at);
    health.evaluate(at, 0, false, 0, 0);
  }

  @Test
  void aPathThatFlapsNeedsMoreAnswersEachTime() {
    answer(10 * MS);
    assertThat(health.state()).isEqualTo(PathState.UP);
    health.evaluate(411 * MS, 0, false, 0, 0);
    assertThat(health.state()).isEqualTo(PathState.DOWN);
    assertThat(health.answersNeeded()).as("it was up for 0.4 s only").isEqualTo(4);
    answer(2 * S);
    answer(2 * S + 100 * MS);
    answer(2 * S + 200 * MS);
    assertThat(health.state()).isEqualTo(PathState.DOWN);
    assertThat(health.cause()).isEqualTo(StateCause.RECOVERING);
    answer(2 * S + 300 * MS);
    assertThat(health.state()).isEqualTo(PathState.UP);
    health.evaluate(2 * S + 701 * MS, 0, false, 0, 0);
    assertThat(health.answersNeeded()).isEqualTo(8);
    assertThat(health.downs()).isEqualTo(2);
    // 30 s up forgives the flaps
    answer(3 * S);
    for (long t = 3 * S; t <= 34 * S; t += 100 * MS) {
      answer(t);
    }
    assertThat(health.state()).isEqualTo(PathState.UP);
    health.evaluate(35 * S, 0, false, 0, 0);
    assertThat(health.answersNeeded()).isEqualTo(2);
  }

  @Test
  void lossAboveTheLimitDegradesUntilBelowHalfOfIt() {
    answer(10 * MS);
    health.evaluate(20 * MS, 0, false, 0.11, 0);
    assertThat(health.state()).isEqualTo(PathState.DEGRADED);
    assertThat(health.cause()).isEqualTo(StateCause.LOSSY);
    health.evaluate(30 * MS, 0, false, 0.07, 0);
    assertThat(health.state()).isEqualTo(PathState.DEGRADED);
    health.evaluate(40 * MS, 0, false, 0.04, 0);
    assertThat(health.state()).isEqualTo(PathState.UP);
  }

  @Test
  void missedProbesDegradeUnlessThePathIsQueueing() {
    answer(10 * MS);
    health.evaluate(20 * MS, 2, true, 0, 0);
    assertThat(health.state()).as("probes lost in a full queue").isEqualTo(PathState.UP);
    health.evaluate(30 * MS, 2, false, 0, 0);
    assertThat(health.state()).isEqualTo(PathState.DEGRADED);
    assertThat(health.cause()).isEqualTo(StateCause.MISSED_PROBES);
    answer(40 * MS);
    assertThat(health.state()).isEqualTo(PathState.UP);
  }

  @Test
  void theDownTimeoutFollowsTheRoundTripVariation() {
    assertThat(health.downTimeoutNanos(0)).isEqualTo(400 * MS);
    assertThat(health.downTimeoutNanos(150 * MS)).isEqualTo(700 * MS);
  }

  @Test
  void aPathNeverAnsweredIsDownAfterTwoSeconds() {
    health.evaluate(2 * S, 0, false, 0, 0);
    assertThat(health.state()).isEqualTo(PathState.PROBING);
    assertThat(health.nextDeadlineNanos(0)).isEqualTo(2 * S + 1);
    health.evaluate(2 * S + 1, 0, false, 0, 0);
    assertThat(health.state()).isEqualTo(PathState.DOWN);
    assertThat(health.cause()).isEqualTo(StateCause.SILENT);
  }
}
