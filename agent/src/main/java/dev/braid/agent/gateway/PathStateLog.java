package dev.braid.agent.gateway;

import dev.braid.agent.multipath.PathSnapshot;
import dev.braid.agent.multipath.PathState;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each multipath path's state changes (up, degraded, down, ...) as the loop publishes its
 * sessions, so that a standalone hub's log shows when and why a site's uplink failed or came back.
 * Owned by one loop.
 */
final class PathStateLog {
  private static final Logger LOG = LoggerFactory.getLogger(PathStateLog.class);

  private final String loopName;

  /** Last logged state per peer-id and path id. */
  private final Map<Integer, Map<Integer, PathState>> last = new HashMap<>();

  PathStateLog(String loopName) {
    this.loopName = loopName;
  }

  /** Logs what changed in {@code view} since the session's previous view. */
  void observe(int peerId, String commonName, MultipathView view) {
    Map<Integer, PathState> before = last.computeIfAbsent(peerId, k -> new HashMap<>());
    Map<Integer, PathState> now = new HashMap<>();
    for (PathSnapshot p : view.link().paths()) {
      now.put(p.id(), p.state());
      if (before.get(p.id()) != p.state()) {
        LOG.info(
            "multipath path {}: {} peer-id {} ({}) path {} {} (cause {}, srtt {} ms, loss {})",
            p.state().name().toLowerCase(java.util.Locale.ROOT),
            loopName,
            peerId,
            commonName,
            p.name(),
            view.paths().get(p.id()),
            p.cause(),
            p.srttNanos() < 0 ? "?" : String.format("%.1f", p.srttNanos() / 1e6),
            String.format("%.3f", p.loss()));
      }
    }
    last.put(peerId, now);
  }

  /** Forgets a closed session. */
  void forget(int peerId) {
    last.remove(peerId);
  }
}
