package dev.braid.agent.engine;

/** Why a worker dropped a datagram or packet; each has its own counter. */
public enum LoopDrop {
  /** Datagram longer than the receive buffer (cut by the kernel, MSG_TRUNC). */
  OVERSIZED,
  /** Empty datagram. */
  EMPTY,
  /** The protocol layer could not parse the datagram. */
  MALFORMED,
  /** No session for the datagram's peer-id or session id. */
  UNKNOWN_SESSION,
  /** Steered to a worker that does not own the session (group changed under it). */
  WRONG_WORKER,
  /** The handler threw; the datagrams of that batch are dropped. */
  HANDLER_ERROR,
  /**
   * A datagram could not be sent: the kernel refused it (unreachable, no buffer space) or it was
   * larger than the send buffer; over TCP, its connection had ended or its client stopped reading.
   */
  SEND_FAILED,
  /** The kernel refused a packet written to the TUN queue. */
  TUN_WRITE_FAILED,
  /** A TUN read whose virtio_net_hdr asked for what the segmenter does not do (not TCP GSO). */
  TUN_SEGMENT_FAILED,
  /** A packet read from TUN that no session routes. */
  NO_ROUTE,
  /** A packet for a session of another worker found that worker's hand-off queue full. */
  HANDOFF_FULL
}
