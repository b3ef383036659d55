package dev.braid.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.gateway.MultipathView;
import dev.braid.agent.gateway.PathView;
import dev.braid.agent.gateway.SessionView;
import dev.braid.agent.multipath.LinkOutput;
import dev.braid.agent.multipath.LinkSnapshot;
import dev.braid.agent.multipath.MultipathConfig;
import dev.braid.agent.multipath.MultipathLink;
import dev.braid.agent.multipath.PathSpec;
import dev.braid.api.v1alpha1.PathStatus;
import dev.braid.api.v1alpha1.SessionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A multipath session's paths and counters in the node status and in /metrics. */
class MultipathStatusTest {
  private static final long MS = 1_000_000L;

  /** A probe in flight between two links: to which link, on which path, arriving when. */
  private record Probe(boolean toHub, int path, long at, byte[] bytes) {}

  /**
   * A hub link that learned two paths from a site link, after a second of probes with a 20 ms round
   * trip on path 0 and 60 ms on path 1.
   */
  private static LinkSnapshot hubAfterProbing() {
    long now = 1_000_000 * MS;
    MultipathLink<Object> site = new MultipathLink<>(MultipathConfig.defaults(), now);
    MultipathLink<Object> hub = new MultipathLink<>(MultipathConfig.defaults(), now);
    site.addPath(PathSpec.uplink("wifi", 0, 1, false), now);
    site.addPath(PathSpec.uplink("lte", 1, 1, false), now);
    hub.addPath(PathSpec.learned("198.51.100.7:5000"), now);
    hub.addPath(PathSpec.learned("203.0.113.9:6000"), now);
    List<Probe> wire = new ArrayList<>();
    long[] clock = {now};
    long[] ids = {0, 0};
    LinkOutput<Object> toHub = output(wire, true, clock);
    LinkOutput<Object> toSite = output(wire, false, clock);
    for (long t = now; t < now + 1000 * MS; t += MS) {
      clock[0] = t;
      for (Probe p : List.copyOf(wire)) {
        if (p.at() <= t) {
          wire.remove(p);
          MultipathLink<Object> to = p.toHub() ? hub : site;
          long id = ++ids[p.toHub() ? 0 : 1];
          to.onProbe(
              p.path(), 0, id, p.bytes(), 0, p.bytes().length, t, p.toHub() ? toSite : toHub);
        }
      }
      site.poll(t, toHub);
      hub.poll(t, toSite);
    }
    return hub.snapshot(clock[0]);
  }

  private static LinkOutput<Object> output(List<Probe> wire, boolean toHub, long[] clock) {
    return new LinkOutput<>() {
      @Override
      public void sendProbe(int pathId, byte[] payload, int off, int len) {
        byte[] copy = java.util.Arrays.copyOfRange(payload, off, off + len);
        long oneWay = pathId == 0 ? 10 * MS : 30 * MS;
        wire.add(new Probe(toHub, pathId, clock[0] + oneWay, copy));
      }

      @Override
      public void deliver(Object payload) {}
    };
  }

  private static SessionView view(LinkSnapshot link, long wallMillis) {
    MultipathView mp =
        new MultipathView(
            link,
            Map.of(
                0, new PathView("198.51.100.7:5000", "192.0.2.1:1194"),
                1, new PathView("203.0.113.9:6000", "192.0.2.1:1194")),
            wallMillis);
    return new SessionView(
        0, "UDP", 3, "10.8.0.2", null, "site-a", "AES-256-GCM", 1, true, List.of(), 0, 0, 0, mp);
  }

  @Test
  void everyPathIsListedWithItsMeasurementsAndTheSessionWithItsCounters() {
    LinkSnapshot link = hubAfterProbing();
    long wall = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    SessionStatus s = StatusMapping.status(view(link, wall));

    assertThat(s.paths).hasSize(2);
    PathStatus a = s.paths.get(0);
    assertThat(a.name).isEqualTo("198.51.100.7:5000");
    assertThat(a.remote).isEqualTo("198.51.100.7:5000");
    assertThat(a.local).isEqualTo("192.0.2.1:1194");
    assertThat(a.state).isEqualTo("up");
    assertThat(a.rttMillis).isBetween(19.0, 22.0);
    assertThat(s.paths.get(1).rttMillis).isBetween(59.0, 62.0);
    assertThat(a.loss).isZero();
    assertThat(a.rateBytesPerSecond).isPositive();
    assertThat(a.bytesIn).isPositive();
    assertThat(a.bytesOut).isPositive();
    assertThat(Instant.parse(a.lastProbe))
        .isBetween(Instant.ofEpochMilli(wall - 150), Instant.ofEpochMilli(wall));
    assertThat(s.multipath.scheduler).isEqualTo("weighted");
    assertThat(s.multipath.reorderHeld).isZero();
    assertThat(s.multipath.pathsRefused).isZero();
  }

  @Test
  void metricsShowEachPathAndTheSessionCounters() {
    SessionStatus s = StatusMapping.status(view(hubAfterProbing(), 0));
    StringBuilder out = new StringBuilder();

    MultipathMetrics.render(out, List.of(s, new SessionStatus()));

    String labels =
        "peer=\"site-a\",path=\"198.51.100.7:5000\",local=\"192.0.2.1:1194\","
            + "remote=\"198.51.100.7:5000\"";
    assertThat(out.toString().lines())
        .contains(
            "braid_agent_path_state{" + labels + ",state=\"up\"} 1",
            "braid_agent_path_loss_ratio{" + labels + "} 0.0",
            "braid_agent_multipath_reorder_total{peer=\"site-a\",event=\"given_up\"} 0",
            "braid_agent_multipath_duplicates_total{peer=\"site-a\",direction=\"received\"} 0",
            "# TYPE braid_agent_multipath_failovers_total counter")
        .anySatisfy(
            l -> assertThat(l).startsWith("braid_agent_path_rtt_seconds{" + labels + "} 0.02"));
    assertThat(out.toString()).doesNotContain("peer=\"\"");
  }
}
