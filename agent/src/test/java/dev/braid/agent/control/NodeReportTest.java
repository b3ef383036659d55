package dev.braid.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.api.config.AgentConfig;
import dev.braid.api.v1alpha1.SessionStatus;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeReportTest {
  private static AgentConfig config(String uid) {
    return AgentConfig.builder()
        .gateway(new AgentConfig.GatewayRef("edge", "vpn", uid, 4L))
        .node("node-a")
        .build();
  }

  @Test
  void reportIsNamedOwnedAndCountsEverySessionEvenWhenTruncated() {
    SessionStatus s = new SessionStatus();
    s.commonName = "alice";
    var many = Collections.nCopies(NodeReport.MAX_SESSIONS + 5, s);
    var snapshot =
        new DataPlaneStatus.Snapshot(
            true,
            2,
            many,
            null,
            0,
            Map.of(),
            Map.of("bad-hmac", 1L),
            Map.of(),
            0,
            Map.of(),
            List.of());

    var report =
        NodeReport.build(
            config("u-1"),
            List.of("192.0.2.1"),
            snapshot,
            null,
            Instant.parse("2026-11-21T10:00:00.5Z"));

    assertThat(report.getMetadata().getName()).isEqualTo("edge-node-a");
    assertThat(report.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getUid()).isEqualTo("u-1");
              assertThat(o.getKind()).isEqualTo("VPNGateway");
            });
    assertThat(report.getStatus().sessionCount).isEqualTo(NodeReport.MAX_SESSIONS + 5);
    assertThat(report.getStatus().sessions).hasSize(NodeReport.MAX_SESSIONS);
    assertThat(report.getStatus().configGeneration).isEqualTo(4L);
    assertThat(report.getStatus().heartbeat).isEqualTo("2026-11-21T10:00:00Z");
  }

  @Test
  void standaloneReportHasNoOwnerAndHeartbeatAloneIsNoChange() {
    var idle = DataPlaneStatus.Snapshot.idle();
    var a =
        NodeReport.build(
            config(null), List.of(), idle, null, Instant.parse("2026-11-21T10:00:00Z"));
    var b =
        NodeReport.build(
            config(null), List.of(), idle, null, Instant.parse("2026-11-21T10:00:30Z"));

    assertThat(a.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(StatusPublisher.sameApartFromHeartbeat(a.getStatus(), b.getStatus())).isTrue();
    b.getStatus().serving = true;
    assertThat(StatusPublisher.sameApartFromHeartbeat(a.getStatus(), b.getStatus())).isFalse();
  }
}
