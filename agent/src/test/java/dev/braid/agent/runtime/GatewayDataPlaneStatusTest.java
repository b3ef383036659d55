package dev.braid.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.control.DataPlaneStatus;
import dev.braid.agent.engine.WorkerCounters;
import dev.braid.agent.gateway.PathView;
import dev.braid.agent.gateway.SessionView;
import dev.braid.api.v1alpha1.SessionStatus;
import dev.braid.api.v1alpha1.Transport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a session the gateway publishes becomes an entry of the VPNGatewayNode's session list. */
class GatewayDataPlaneStatusTest {
  @Test
  void sessionEntryNamesTheClientItsCipherAndSinceWhenSoTheOperatorCanMatchItsVpnClient() {
    SessionView view =
        new SessionView(
            1,
            "UDP",
            7,
            "10.8.0.2",
            "fd00:8::2",
            "alice",
            "AES-256-GCM",
            1_700_000_000L,
            true,
            List.of(
                new PathView("10.78.0.2:36028", "10.78.0.1:1194"),
                new PathView("[fd78::2]:4000", "[fd78::1]:1194")),
            100,
            200,
            3);

    SessionStatus s = GatewayDataPlane.status(view);

    assertThat(s.commonName).isEqualTo("alice");
    assertThat(s.peerId).isEqualTo(7);
    assertThat(s.tunnelAddresses).containsExactly("10.8.0.2", "fd00:8::2");
    assertThat(s.cipher).isEqualTo("AES-256-GCM");
    assertThat(s.since).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(s.paths).hasSize(2);
    assertThat(s.paths.getFirst().remote).isEqualTo("10.78.0.2:36028");
    assertThat(s.paths.getFirst().local).isEqualTo("10.78.0.1:1194");
    assertThat(s.paths.getFirst().transport).isEqualTo(Transport.UDP);
    assertThat(s.paths.getFirst().state).isEqualTo("active");
    assertThat(s.paths.getFirst().bytesIn).isEqualTo(100);
    assertThat(s.paths.get(1).state).isEqualTo("standby");
  }

  @Test
  void sessionBeforeEstablishmentHasNoSince() {
    SessionView view =
        new SessionView(0, "TCP", 1, "10.8.0.3", null, null, null, 0, true, List.of(), 0, 0, 0);

    assertThat(GatewayDataPlane.status(view).since).isNull();
  }

  @Test
  void tcpLoopCountersBecomeTheTcpTrafficOfTheMetrics() {
    WorkerCounters loop = new WorkerCounters(2);
    loop.received(7, 700);
    loop.sent(5, 500);
    loop.tunCounts().written(3, 300);
    loop.held();

    DataPlaneStatus.Traffic t = GatewayDataPlane.traffic("tcp", loop.snapshot());

    assertThat(t)
        .isEqualTo(new DataPlaneStatus.Traffic("tcp", 7, 700, 5, 500, 0, 0, 3, 300, 0, 0, 1, 0, 0));
  }
}
