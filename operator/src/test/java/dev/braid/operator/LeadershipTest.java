package dev.braid.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class LeadershipTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void standbyNamesTheLeaderUntilItLeadsItself() {
    var leadership = leadership(true);
    var callbacks = leadership.callbacks(false);
    assertThat(leadership.describe()).isEqualTo("standby pod-a, leader is ?");

    callbacks.onNewLeader("pod-b");
    assertThat(leadership.describe()).isEqualTo("standby pod-a, leader is pod-b");
    assertThat(gauge()).isZero();

    callbacks.onNewLeader("pod-a");
    callbacks.onStartLeading();
    assertThat(leadership.describe()).isEqualTo("leader pod-a");
    assertThat(gauge()).isEqualTo(1.0);

    callbacks.onStopLeading();
    assertThat(leadership.leading()).isFalse();
    assertThat(gauge()).isZero();
  }

  @Test
  void withoutLeaderElectionEveryReplicaLeads() {
    var leadership = leadership(false);
    assertThat(leadership.describe()).isEqualTo("leader pod-a (leader election off)");
    assertThat(gauge()).isEqualTo(1.0);
  }

  private Leadership leadership(boolean election) {
    return new Leadership(
        new OperatorSettings(
            "img", 0, election, "braid-system", "pod-a", OperatorSettings.LeaseTiming.DEFAULT),
        registry);
  }

  private double gauge() {
    return registry.get("braid.operator.leader").gauge().value();
  }
}
