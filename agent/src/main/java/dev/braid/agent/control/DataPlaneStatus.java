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
   * @param traffic what the loops of each transport moved since start, one entry per transport
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
      Map<String, Long> renegotiations,
      List<Traffic> traffic) {

    /** A data plane that is not (yet) serving. */
    public static Snapshot idle() {
      return new Snapshot(
          false, 0, List.of(), null, 0, Map.of(), Map.of(), Map.of(), 0, Map.of(), List.of());
    }
  }

  /**
   * What the loops of one transport (the UDP workers, or the TCP loop) moved since start, summed
   * over those loops.
   *
   * @param transport {@code udp} or {@code tcp}
   * @param packetsIn OpenVPN packets received: UDP datagrams, or frames de-framed from TCP streams
   * @param bytesIn bytes of those datagrams, or bytes read from the streams (with the framing)
   * @param packetsOut OpenVPN packets sent
   * @param bytesOut bytes sent
   * @param tunPacketsRead IP packets read from TUN (a super-packet counts once)
   * @param tunBytesRead bytes of those reads
   * @param tunPacketsWritten IP packets written into TUN (merged segments count each)
   * @param tunBytesWritten bytes of those packets
   * @param tunSegmentedReads super-packets read from TUN and cut into segments
   * @param tunSegments segments those super-packets were cut into
   * @param receiveHolds times a loop waited one receive hold before receiving
   * @param udpSegmentedSends sendmmsg messages that carried several datagrams (UDP GSO)
   * @param udpSegmentedDatagrams datagrams those messages carried
   */
  record Traffic(
      String transport,
      long packetsIn,
      long bytesIn,
      long packetsOut,
      long bytesOut,
      long tunPacketsRead,
      long tunBytesRead,
      long tunPacketsWritten,
      long tunBytesWritten,
      long tunSegmentedReads,
      long tunSegments,
      long receiveHolds,
      long udpSegmentedSends,
      long udpSegmentedDatagrams) {}
}
