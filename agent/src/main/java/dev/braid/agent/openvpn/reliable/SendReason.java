package dev.braid.agent.openvpn.reliable;

/** Why the sender put a message on the wire. */
public enum SendReason {
  /** First transmission. */
  NEW,
  /** The retransmit timer expired. */
  TIMEOUT,
  /** Enough later ids were acknowledged that this one is presumed lost. */
  FAST,
  /** It alone kept the send window shut while a later id was acknowledged after it was sent. */
  BLOCKED
}
