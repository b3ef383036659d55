package dev.braid.agent.transport.tcp;

/** How a TCP-transport connection ended; {@link #statusKey()} names it in the node status. */
public enum DisconnectCause {
  /** The peer sent a FIN and we closed in turn: an orderly end. */
  CLEAN_CLOSE("clean-close"),
  /**
   * The peer sent a FIN, then reset what we still sent (it closed its socket while data was in
   * flight, or a proxy gave up on the half-closed connection): Winsock's 10053.
   */
  ABORT_AFTER_FIN("abort-after-fin"),
  /** A reset with no FIN before it: the peer crashed or aborted (SO_LINGER 0): Winsock's 10054. */
  RESET("reset"),
  /** Sent data or keepalive probes went unacknowledged (retransmissions, TCP_USER_TIMEOUT). */
  TIMEOUT("timeout"),
  /** We closed the connection first, for the recorded reason. */
  LOCAL_CLOSE("local-close"),
  /** The peer sent bytes the framing cannot accept (zero or oversized length prefix). */
  PROTOCOL_ERROR("protocol-error"),
  /** Any other socket error (unreachable, ...), with its errno. */
  ERROR("error");

  private final String statusKey;

  DisconnectCause(String statusKey) {
    this.statusKey = statusKey;
  }

  /** Key in {@code VPNGatewayNodeStatus.disconnects}, e.g. {@code abort-after-fin}. */
  public String statusKey() {
    return statusKey;
  }
}
