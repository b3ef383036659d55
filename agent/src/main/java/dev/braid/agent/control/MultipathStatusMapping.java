package dev.braid.agent.control;

import dev.braid.agent.gateway.MultipathView;
import dev.braid.agent.gateway.PathView;
import dev.braid.agent.multipath.LinkSnapshot;
import dev.braid.agent.multipath.PathSnapshot;
import dev.braid.agent.multipath.ReorderSnapshot;
import dev.braid.agent.multipath.SchedulerSnapshot;
import dev.braid.api.v1alpha1.MultipathSessionStatus;
import dev.braid.api.v1alpha1.PathStatus;
import dev.braid.api.v1alpha1.Transport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A multipath session's paths and counters as the VPNGatewayNode status lists them; for a hub's
 * sessions with sites and for a site's sessions with its hubs alike.
 */
public final class MultipathStatusMapping {
  private MultipathStatusMapping() {}

  /** One {@link PathStatus} per path, in path-id order. */
  public static List<PathStatus> paths(MultipathView view, Transport transport) {
    List<PathStatus> out = new ArrayList<>();
    for (PathSnapshot p : view.link().paths()) {
      PathView addresses = view.paths().get(p.id());
      PathStatus ps = new PathStatus();
      ps.name = p.name();
      ps.remote = addresses == null ? null : addresses.remote();
      ps.local = addresses == null ? null : addresses.local();
      ps.transport = transport;
      ps.state = p.state().name().toLowerCase(Locale.ROOT);
      ps.rttMillis = p.srttNanos() < 0 ? null : p.srttNanos() / 1e6;
      ps.loss = p.loss();
      ps.rateBytesPerSecond = p.rate();
      ps.bytesIn = p.rxBytes();
      ps.bytesOut = p.txBytes();
      if (p.lastAnswerNanos() != Long.MIN_VALUE) {
        ps.lastProbe = Instant.ofEpochMilli(view.wallMillis(p.lastAnswerNanos())).toString();
      }
      out.add(ps);
    }
    return out;
  }

  /** The session's scheduler and reorder counters. */
  public static MultipathSessionStatus counters(LinkSnapshot link) {
    SchedulerSnapshot sched = link.scheduler();
    ReorderSnapshot reorder = link.reorder();
    MultipathSessionStatus m = new MultipathSessionStatus();
    m.scheduler = sched.kind().configName();
    m.scheduledPackets = sched.packets();
    m.duplicatesSent = sched.duplicatesSent();
    m.duplicatesReceived = link.duplicatesReceived();
    m.failovers = sched.failovers();
    m.reorderHeld = reorder.held();
    m.reorderReleasedLate = reorder.releasedLate();
    m.reorderGivenUp = reorder.idsGivenUp();
    m.pathsRefused = link.pathsRefused();
    m.probesDropped = link.probeDrops().values().stream().mapToLong(Long::longValue).sum();
    return m;
  }
}
