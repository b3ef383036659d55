package dev.braid.agent.control;

import dev.braid.api.v1alpha1.KernelCapabilities;
import dev.braid.api.v1alpha1.SessionStatus;
import java.util.List;
import java.util.Map;

/** What the data plane tells the control side; called from the control thread, must be cheap. */
@FunctionalInterface
public interface DataPlaneStatus {
  /** A consistent snapshot of sessions, counters and capabilities. */
  Snapshot snapshot();

  /**
   * One snapshot.
   *
   * @param serving sockets and TUN queues are up and sessions are accepted
   * @param workers workers running
   * @param sessions established sessions with their paths and per-path byte counters
   * @param capabilities kernel features probed at start
   * @param handshakes completed handshakes since start
   * @param retransmits control-channel retransmissions since start by why they were sent ({@code
   *     timeout}, {@code fast}: later ids were acknowledged, {@code blocked}: the oldest message
   *     held the send window)
   * @param drops dropped packets by reason since start
   * @param disconnects ended TCP sessions by cause since start
   * @param revokedSessions sessions cut off since start because a new CRL revoked their certificate
   * @param renegotiations completed data-key renegotiations since start by who started them ({@code
   *     server}, {@code client})
   */
  record Snapshot(
      boolean serving,
      int workers,
      List<SessionStatus> sessions,
      KernelCapabilities capabilities,
      long handshakes,
      Map<String, Long> retransmits,
      Map<String, Long> drops,
      Map<String, Long> disconnects,
      long revokedSessions,
      Map<String, Long> renegotiations) {

    /** A data plane that is not (yet) serving. */
    public static Snapshot idle() {
      return new Snapshot(false, 0, List.of(), null, 0, Map.of(), Map.of(), Map.of(), 0, Map.of());
    }
  }
}
