package dev.braid.agent.gateway;

/**
 * An IP packet passed between loops: for the session {@code peerId} of the receiving loop, or, with
 * {@link #TO_TUN}, for the receiving worker's TUN queue (packets the TCP loop decrypted).
 */
record Handed(int peerId, byte[] packet) {
  static final int TO_TUN = -1;

  boolean isForTun() {
    return peerId == TO_TUN;
  }
}
