package dev.braid.agent.control;

import static dev.braid.agent.control.AgentMetrics.esc;
import static dev.braid.agent.control.AgentMetrics.header;

import dev.braid.api.v1alpha1.MultipathSessionStatus;
import dev.braid.api.v1alpha1.PathStatus;
import dev.braid.api.v1alpha1.SessionStatus;
import java.util.List;
import java.util.function.Function;

/**
 * The multipath metrics, from the same session list the node status shows: per path its state,
 * round trip, loss and rate (bytes are {@code braid_agent_path_bytes_total}), per session the
 * scheduler's and reorder buffer's counters. Sessions of stock clients add nothing.
 */
final class MultipathMetrics {
  private MultipathMetrics() {}

  /** A per-path gauge: its name, help and value (null: no sample). */
  private record PathGauge(String name, String help, Function<PathStatus, Number> value) {}

  /** A per-session counter: its name, help, optional second label and value. */
  private record SessionCounter(
      String name, String help, String label, Function<MultipathSessionStatus, Long> value) {}

  private static final List<PathGauge> PATH_GAUGES =
      List.of(
          new PathGauge(
              "braid_agent_path_rtt_seconds",
              "Smoothed round trip of a multipath path",
              p -> p.rttMillis == null ? null : p.rttMillis / 1000),
          new PathGauge(
              "braid_agent_path_loss_ratio",
              "Loss of a multipath path in the sending direction, 0 to 1",
              p -> p.loss),
          new PathGauge(
              "braid_agent_path_rate_bytes_per_second",
              "Estimated sending capacity of a multipath path",
              p -> p.rateBytesPerSecond));

  private static final List<SessionCounter> SESSION_COUNTERS =
      List.of(
          new SessionCounter(
              "braid_agent_multipath_scheduled_packets_total",
              "Tunnel packets the scheduler put on paths",
              null,
              m -> m.scheduledPackets),
          new SessionCounter(
              "braid_agent_multipath_duplicates_total",
              "Redundant copies sent, and copies received and dropped",
              "direction=\"sent\"",
              m -> m.duplicatesSent),
          new SessionCounter(
              "braid_agent_multipath_duplicates_total",
              null,
              "direction=\"received\"",
              m -> m.duplicatesReceived),
          new SessionCounter(
              "braid_agent_multipath_failovers_total",
              "Times a path carrying traffic failed and others took over",
              null,
              m -> m.failovers),
          new SessionCounter(
              "braid_agent_multipath_reorder_total",
              "Reorder buffer: packets held for a gap, released after their gap was given up,"
                  + " ids given up as lost",
              "event=\"held\"",
              m -> m.reorderHeld),
          new SessionCounter(
              "braid_agent_multipath_reorder_total",
              null,
              "event=\"released_late\"",
              m -> m.reorderReleasedLate),
          new SessionCounter(
              "braid_agent_multipath_reorder_total",
              null,
              "event=\"given_up\"",
              m -> m.reorderGivenUp),
          new SessionCounter(
              "braid_agent_multipath_paths_refused_total",
              "New source addresses refused because the session had its most paths",
              null,
              m -> m.pathsRefused));

  /** Appends the multipath metrics of {@code sessions} to {@code out}. */
  static void render(StringBuilder out, List<SessionStatus> sessions) {
    List<SessionStatus> multipath = sessions.stream().filter(s -> s.multipath != null).toList();
    header(out, "braid_agent_path_state", "Current state of a multipath path (value 1)", "gauge");
    for (SessionStatus s : multipath) {
      for (PathStatus p : s.paths) {
        out.append("braid_agent_path_state{")
            .append(pathLabels(s, p))
            .append(",state=\"")
            .append(esc(p.state))
            .append("\"} 1\n");
      }
    }
    for (PathGauge g : PATH_GAUGES) {
      header(out, g.name(), g.help(), "gauge");
      for (SessionStatus s : multipath) {
        for (PathStatus p : s.paths) {
          Number v = g.value().apply(p);
          if (v != null) {
            out.append(g.name()).append('{').append(pathLabels(s, p)).append("} ").append(v);
            out.append('\n');
          }
        }
      }
    }
    for (SessionCounter c : SESSION_COUNTERS) {
      if (c.help() != null) {
        header(out, c.name(), c.help(), "counter");
      }
      for (SessionStatus s : multipath) {
        Long v = c.value().apply(s.multipath);
        out.append(c.name()).append("{peer=\"").append(esc(s.commonName)).append('"');
        if (c.label() != null) {
          out.append(',').append(c.label());
        }
        out.append("} ").append(v == null ? 0 : v).append('\n');
      }
    }
  }

  private static String pathLabels(SessionStatus s, PathStatus p) {
    return "peer=\""
        + esc(s.commonName)
        + "\",path=\""
        + esc(p.name)
        + "\",local=\""
        + esc(p.local)
        + "\",remote=\""
        + esc(p.remote)
        + "\"";
  }
}
