package dev.braid.api.v1alpha1;

/** A multipath session's scheduling and reordering counters, since the session started. */
public class MultipathSessionStatus {
  /** The scheduler in use for packets this node sends, e.g. {@code weighted}. */
  public String scheduler;

  /** Tunnel packets scheduled onto paths. */
  public Long scheduledPackets;

  /** Extra copies sent (the redundant scheduler puts each packet on every path). */
  public Long duplicatesSent;

  /** Copies of packets already received, dropped (redundant sending by the peer). */
  public Long duplicatesReceived;

  /** Times a path carrying traffic failed and others took over. */
  public Long failovers;

  /** Packets that arrived after a gap and waited in the reorder buffer. */
  public Long reorderHeld;

  /** Packets that arrived after their gap had been given up (handed on out of order). */
  public Long reorderReleasedLate;

  /** Packet ids given up as lost by the reorder buffer. */
  public Long reorderGivenUp;

  /** New source addresses refused because the session had as many paths as it may. */
  public Long pathsRefused;

  /** Probe messages that authenticated but were not used (unknown path, stale or malformed). */
  public Long probesDropped;
}
