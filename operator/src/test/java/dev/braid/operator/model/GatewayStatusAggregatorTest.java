package dev.braid.operator.model;

import static dev.braid.operator.testing.Gateways.gateway;
import static dev.braid.operator.testing.Gateways.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.api.v1alpha1.VPNGatewayNode;
import dev.braid.api.v1alpha1.VPNGatewayStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayStatusAggregatorTest {
  private final VPNGateway gw = withUid(gateway("ns", "gw"));

  private static VPNGateway withUid(VPNGateway g) {
    g.getMetadata().setUid("uid-1");
    g.getMetadata().setGeneration(3L);
    return g;
  }

  private static DaemonSet ds(int desired, int updated) {
    return new DaemonSetBuilder()
        .withNewMetadata()
        .withGeneration(2L)
        .endMetadata()
        .withNewStatus()
        .withDesiredNumberScheduled(desired)
        .withUpdatedNumberScheduled(updated)
        .withObservedGeneration(2L)
        .endStatus()
        .build();
  }

  private VPNGatewayStatus aggregate(
      DaemonSet ds, List<VPNGatewayNode> nodes, VPNGatewayStatus previous, Instant now) {
    return GatewayStatusAggregator.aggregate(
        new GatewayStatusAggregator.Observation(3, List.of(), ds, nodes, null, previous, now));
  }

  private static String condition(VPNGatewayStatus s, String type) {
    var c = Conditions.find(s.conditions, type).orElseThrow();
    return c.getStatus() + "/" + c.getReason();
  }

  @Test
  void readyNeedsEverySelectedNodeServingWithAFreshHeartbeat() {
    Instant now = Instant.now();
    var a = report(gw, "a", 3, "alice");
    var b = report(gw, "b", 3);

    assertThat(condition(aggregate(ds(2, 2), List.of(), null, now), "Ready"))
        .isEqualTo("False/NoAgentServing");
    assertThat(condition(aggregate(ds(2, 2), List.of(a), null, now), "Ready"))
        .isEqualTo("False/PartiallyServing");
    VPNGatewayStatus ready = aggregate(ds(2, 2), List.of(a, b), null, now);
    assertThat(condition(ready, "Ready")).isEqualTo("True/Serving");
    assertThat(ready.sessions).isEqualTo(1);
    assertThat(ready.nodesReady).isEqualTo("2/2");

    VPNGatewayStatus stale =
        aggregate(ds(2, 2), List.of(a, b), null, now.plus(Duration.ofMinutes(5)));
    assertThat(condition(stale, "Ready")).isEqualTo("False/NoAgentServing");
    assertThat(stale.nodes)
        .allSatisfy(n -> assertThat(n.lastError).startsWith("no heartbeat since"));
  }

  @Test
  void noSelectedNodeSaysSo() {
    assertThat(condition(aggregate(ds(0, 0), List.of(), null, Instant.now()), "Ready"))
        .isEqualTo("False/NoNodesSelected");
  }

  @Test
  void progressingWhileTemplateOrConfigLags() {
    Instant now = Instant.now();
    assertThat(condition(aggregate(ds(2, 1), List.of(), null, now), "Progressing"))
        .isEqualTo("True/RollingOut");
    var old = report(gw, "a", 2);
    assertThat(condition(aggregate(ds(1, 1), List.of(old), null, now), "Progressing"))
        .isEqualTo("True/ReloadingConfig");
    assertThat(
            condition(aggregate(ds(1, 1), List.of(report(gw, "a", 3)), null, now), "Progressing"))
        .isEqualTo("False/RolloutComplete");
  }

  @Test
  void unchangedWorldGivesAnIdenticalStatus() {
    Instant now = Instant.now();
    var nodes = List.of(report(gw, "a", 3));
    VPNGatewayStatus first = aggregate(ds(1, 1), nodes, null, now);
    VPNGatewayStatus second = aggregate(ds(1, 1), nodes, first, now.plusSeconds(20));

    assertThat(second.conditions).isEqualTo(first.conditions);
  }

  @Test
  void specProblemsDegradeAndStopTheRollout() {
    var problems =
        List.of(new SpecProblem("spec.routes[0]", "RouteOverlapsPool", "10.8.0.0/16 overlaps"));
    VPNGatewayStatus s =
        GatewayStatusAggregator.aggregate(
            new GatewayStatusAggregator.Observation(
                3, problems, ds(1, 1), List.of(report(gw, "a", 2)), null, null, Instant.now()));

    assertThat(condition(s, "Degraded")).isEqualTo("True/RouteOverlapsPool");
    assertThat(condition(s, "Progressing")).isEqualTo("False/RouteOverlapsPool");
    assertThat(Conditions.find(s.conditions, "Ready").orElseThrow().getMessage())
        .isEqualTo(
            "still serving the previous valid spec; this spec is not rolled out: spec.routes[0]: 10.8.0.0/16 overlaps");
    assertThat(s.observedGeneration).isEqualTo(3);
  }

  @Test
  void agentsThatAgreeOnAnErrorNameTheDegradedReason() {
    Instant now = Instant.now();
    VPNGatewayNode a = report(gw, "a", 0);
    VPNGatewayNode b = report(gw, "b", 0);
    a.getStatus().lastError = error("ControlPortInUse", "control port 9464 is in use");
    VPNGatewayStatus s = aggregate(ds(2, 2), List.of(a, b), null, now);
    assertThat(condition(s, "Degraded")).isEqualTo("True/ControlPortInUse");
    assertThat(condition(s, "Ready")).isEqualTo("True/Serving");

    b.getStatus().lastError = error("NatFailed", "nft missing");
    assertThat(condition(aggregate(ds(2, 2), List.of(a, b), null, now), "Degraded"))
        .isEqualTo("True/AgentError");
  }

  @Test
  void aStartingAgentIsNotServingYetButNothingIsDegraded() {
    VPNGatewayNode starting = report(gw, "a", 0);
    starting.setStatus(null);
    VPNGatewayStatus s = aggregate(ds(1, 1), List.of(starting), null, Instant.now());
    assertThat(condition(s, "Ready")).isEqualTo("False/NoAgentServing");
    assertThat(condition(s, "Degraded")).isEqualTo("False/AsExpected");
  }

  private static dev.braid.api.v1alpha1.AgentError error(String reason, String message) {
    var e = new dev.braid.api.v1alpha1.AgentError();
    e.reason = reason;
    e.message = message;
    return e;
  }
}
