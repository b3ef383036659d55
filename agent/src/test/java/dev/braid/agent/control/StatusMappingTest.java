package dev.braid.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.engine.LoopCounters;
import dev.braid.agent.gateway.PathView;
import dev.braid.agent.gateway.SessionView;
import dev.braid.agent.nativeio.TcpListener;
import dev.braid.api.v1alpha1.Capability;
import dev.braid.api.v1alpha1.SessionStatus;
import dev.braid.api.v1alpha1.Transport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How what the data plane publishes becomes the VPNGatewayNode's status and the metrics. */
class StatusMappingTest {
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
            3,
            null);

    SessionStatus s = StatusMapping.status(view);

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
        new SessionView(
            0, "TCP", 1, "10.8.0.3", null, null, null, 0, true, List.of(), 0, 0, 0, null);

    assertThat(StatusMapping.status(view).since).isNull();
  }

  @Test
  void tcpLoopCountersBecomeTheTcpTrafficOfTheMetrics() {
    LoopCounters loop = new LoopCounters(2);
    loop.received(7, 700);
    loop.sent(5, 500);
    loop.tunCounts().written(3, 300);
    loop.held();

    DataPlaneStatus.Traffic t = StatusMapping.traffic("tcp", loop.snapshot());

    assertThat(t)
        .isEqualTo(new DataPlaneStatus.Traffic("tcp", 7, 700, 5, 500, 0, 0, 3, 300, 0, 0, 1, 0, 0));
  }

  @Test
  void mptcpListenerIsAnAvailableCapability() {
    Capability c = StatusMapping.mptcp(new TcpListener.Protocol(true, null));
    assertThat(c.available).isTrue();
    assertThat(c.reason).isEmpty();
  }

  @Test
  void mptcpFallbackCarriesItsReason() {
    Capability c =
        StatusMapping.mptcp(
            new TcpListener.Protocol(false, "net.mptcp.enabled=0 in this network namespace"));
    assertThat(c.available).isFalse();
    assertThat(c.reason).isEqualTo("net.mptcp.enabled=0 in this network namespace");
  }
}
