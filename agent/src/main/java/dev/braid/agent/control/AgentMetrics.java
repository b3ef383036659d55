package dev.braid.agent.control;

import dev.braid.agent.control.DataPlaneStatus.Traffic;
import dev.braid.api.v1alpha1.PathStatus;
import dev.braid.api.v1alpha1.SessionStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The agent's metrics in the Prometheus text format (0.0.4), written directly from a snapshot: the
 * data plane's counters already live per worker, so a metrics library would only copy them.
 */
public final class AgentMetrics {
  private AgentMetrics() {}

  /**
   * Counters of the control side itself.
   *
   * @param configApplied configs applied since start
   * @param configRefused configs refused since start
   * @param statusWrites VPNGatewayNode writes since start
   * @param statusFailures failed VPNGatewayNode writes since start
   */
  public record ControlCounters(
      long configApplied, long configRefused, long statusWrites, long statusFailures) {}

  /** Renders every metric. */
  public static String render(DataPlaneStatus.Snapshot s, ControlCounters c) {
    StringBuilder out = new StringBuilder();
    gauge(
        out, "braid_agent_serving", "1 when the data plane accepts sessions", s.serving() ? 1 : 0);
    gauge(out, "braid_agent_workers", "Data-plane workers running", s.workers());
    gauge(out, "braid_agent_sessions", "Established sessions", s.sessions().size());
    counter(out, "braid_agent_handshakes_total", "Completed handshakes", s.handshakes());
    labelled(
        out,
        "braid_agent_retransmits_total",
        "Control-channel retransmissions by trigger (timeout, fast: later ids acknowledged,"
            + " blocked: the oldest message held the send window)",
        "reason",
        s.retransmits());
    labelled(
        out,
        "braid_agent_renegotiations_total",
        "Completed data-key renegotiations by who started them",
        "by",
        s.renegotiations());
    labelled(out, "braid_agent_drops_total", "Dropped packets by reason", "reason", s.drops());
    counter(
        out,
        "braid_agent_revoked_sessions_total",
        "Sessions cut off because a new CRL revoked their certificate",
        s.revokedSessions());
    labelled(
        out,
        "braid_agent_disconnects_total",
        "Ended TCP sessions by cause",
        "cause",
        s.disconnects());
    traffic(out, s.traffic());
    header(out, "braid_agent_path_bytes_total", "Bytes per path and direction", "counter");
    for (SessionStatus session : s.sessions()) {
      for (PathStatus p : session.paths) {
        String labels =
            "peer=\""
                + esc(session.commonName)
                + "\",local=\""
                + esc(p.local)
                + "\",remote=\""
                + esc(p.remote)
                + "\"";
        out.append("braid_agent_path_bytes_total{")
            .append(labels)
            .append(",direction=\"in\"} ")
            .append(p.bytesIn == null ? 0 : p.bytesIn)
            .append('\n');
        out.append("braid_agent_path_bytes_total{")
            .append(labels)
            .append(",direction=\"out\"} ")
            .append(p.bytesOut == null ? 0 : p.bytesOut)
            .append('\n');
      }
    }
    MultipathMetrics.render(out, s.sessions());
    labelled(
        out,
        "braid_agent_config_reloads_total",
        "Config reloads by result",
        "result",
        new TreeMap<>(Map.of("applied", c.configApplied(), "refused", c.configRefused())));
    labelled(
        out,
        "braid_agent_status_writes_total",
        "VPNGatewayNode writes by result",
        "result",
        new TreeMap<>(Map.of("ok", c.statusWrites(), "failed", c.statusFailures())));
    return out.toString();
  }

  /** The loops' traffic, one series per transport (udp: the workers summed, tcp: the TCP loop). */
  private static void traffic(StringBuilder out, List<Traffic> traffic) {
    perTransport(
        out,
        "braid_agent_packets_total",
        "OpenVPN packets by transport and direction (UDP datagrams, TCP frames)",
        traffic,
        "direction",
        Map.of("in", Traffic::packetsIn, "out", Traffic::packetsOut));
    perTransport(
        out,
        "braid_agent_bytes_total",
        "Bytes by transport and direction (TCP: stream bytes with the framing)",
        traffic,
        "direction",
        Map.of("in", Traffic::bytesIn, "out", Traffic::bytesOut));
    perTransport(
        out,
        "braid_agent_tun_packets_total",
        "IP packets the loops of a transport read from and wrote into TUN",
        traffic,
        "op",
        Map.of("read", Traffic::tunPacketsRead, "write", Traffic::tunPacketsWritten));
    perTransport(
        out,
        "braid_agent_tun_bytes_total",
        "Bytes the loops of a transport read from and wrote into TUN",
        traffic,
        "op",
        Map.of("read", Traffic::tunBytesRead, "write", Traffic::tunBytesWritten));
    perTransport(
        out,
        "braid_agent_tun_segmented_reads_total",
        "Super-packets read from TUN and cut into segments (segmentation offload)",
        traffic,
        null,
        Map.of("", Traffic::tunSegmentedReads));
    perTransport(
        out,
        "braid_agent_tun_segments_total",
        "Segments the super-packets read from TUN were cut into",
        traffic,
        null,
        Map.of("", Traffic::tunSegments));
    perTransport(
        out,
        "braid_agent_udp_segmented_sends_total",
        "Messages that carried several datagrams to one client at once (UDP GSO)",
        traffic,
        null,
        Map.of("", Traffic::udpSegmentedSends));
    perTransport(
        out,
        "braid_agent_udp_segmented_datagrams_total",
        "Datagrams sent in those messages",
        traffic,
        null,
        Map.of("", Traffic::udpSegmentedDatagrams));
    perTransport(
        out,
        "braid_agent_receive_holds_total",
        "Times a loop waited one receive hold (receiveHoldMicros) before receiving",
        traffic,
        null,
        Map.of("", Traffic::receiveHolds));
  }

  /**
   * One counter with a {@code transport} label and, unless {@code label} is null, a second label
   * whose values name the fields to read.
   */
  private static void perTransport(
      StringBuilder out,
      String name,
      String help,
      List<Traffic> traffic,
      String label,
      Map<String, ToLongFunction<Traffic>> fields) {
    header(out, name, help, "counter");
    for (Traffic t : traffic) {
      new TreeMap<>(fields)
          .forEach(
              (value, field) -> {
                out.append(name).append("{transport=\"").append(esc(t.transport())).append('"');
                if (label != null) {
                  out.append(',').append(label).append("=\"").append(value).append('"');
                }
                out.append("} ").append(field.applyAsLong(t)).append('\n');
              });
    }
  }

  private static void gauge(StringBuilder out, String name, String help, long value) {
    header(out, name, help, "gauge");
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    header(out, name, help, "counter");
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void labelled(
      StringBuilder out, String name, String help, String label, Map<String, Long> values) {
    header(out, name, help, "counter");
    new TreeMap<>(values)
        .forEach(
            (k, v) ->
                out.append(name)
                    .append('{')
                    .append(label)
                    .append("=\"")
                    .append(esc(k))
                    .append("\"} ")
                    .append(v)
                    .append('\n'));
  }

  static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  static String esc(String v) {
    return v == null ? "" : v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
