package dev.braid.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.api.v1alpha1.PathStatus;
import dev.braid.api.v1alpha1.SessionStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {
  @Test
  void rendersSessionsCountersDropsAndBytesPerPath() {
    SessionStatus s = new SessionStatus();
    s.commonName = "alice";
    PathStatus p = new PathStatus();
    p.local = "192.0.2.1:1194";
    p.remote = "198.51.100.7:5000";
    p.bytesIn = 100L;
    p.bytesOut = 200L;
    s.paths = List.of(p);
    var snapshot =
        new DataPlaneStatus.Snapshot(
            true,
            4,
            List.of(s),
            null,
            3,
            Map.of("timeout", 9L, "blocked", 2L),
            Map.of("bad-hmac", 2L, "no-session", 5L),
            Map.of(),
            1,
            Map.of("server", 4L, "client", 0L),
            List.of(
                new DataPlaneStatus.Traffic(
                    "udp", 10, 1000, 11, 1100, 12, 1200, 13, 1300, 2, 90, 5, 3, 120),
                new DataPlaneStatus.Traffic(
                    "tcp", 20, 2000, 21, 2100, 0, 0, 23, 2300, 0, 0, 6, 0, 0)));

    String text = AgentMetrics.render(snapshot, new AgentMetrics.ControlCounters(1, 2, 3, 0));

    assertThat(text.lines())
        .contains(
            "braid_agent_sessions 1",
            "braid_agent_handshakes_total 3",
            "braid_agent_retransmits_total{reason=\"timeout\"} 9",
            "braid_agent_retransmits_total{reason=\"blocked\"} 2",
            "braid_agent_renegotiations_total{by=\"server\"} 4",
            "braid_agent_renegotiations_total{by=\"client\"} 0",
            "braid_agent_revoked_sessions_total 1",
            "braid_agent_drops_total{reason=\"bad-hmac\"} 2",
            "braid_agent_drops_total{reason=\"no-session\"} 5",
            "braid_agent_path_bytes_total{peer=\"alice\",local=\"192.0.2.1:1194\",remote=\"198.51.100.7:5000\",direction=\"in\"} 100",
            "braid_agent_config_reloads_total{result=\"refused\"} 2",
            "# TYPE braid_agent_drops_total counter",
            "braid_agent_packets_total{transport=\"udp\",direction=\"in\"} 10",
            "braid_agent_packets_total{transport=\"tcp\",direction=\"in\"} 20",
            "braid_agent_packets_total{transport=\"tcp\",direction=\"out\"} 21",
            "braid_agent_bytes_total{transport=\"udp\",direction=\"out\"} 1100",
            "braid_agent_bytes_total{transport=\"tcp\",direction=\"in\"} 2000",
            "braid_agent_tun_packets_total{transport=\"udp\",op=\"read\"} 12",
            "braid_agent_tun_packets_total{transport=\"tcp\",op=\"write\"} 23",
            "braid_agent_tun_bytes_total{transport=\"tcp\",op=\"write\"} 2300",
            "braid_agent_tun_segmented_reads_total{transport=\"udp\"} 2",
            "braid_agent_udp_segmented_sends_total{transport=\"udp\"} 3",
            "braid_agent_udp_segmented_datagrams_total{transport=\"udp\"} 120",
            "braid_agent_tun_segments_total{transport=\"udp\"} 90",
            "braid_agent_receive_holds_total{transport=\"tcp\"} 6",
            "# TYPE braid_agent_packets_total counter");
  }
}
