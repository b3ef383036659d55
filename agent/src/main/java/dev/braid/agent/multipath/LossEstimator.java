package dev.braid.agent.multipath;

/**
 * Loss of a path in the sending direction, from what was sent between two answered probes and what
 * the peer says it received in the same span (this path's own counters, never the tunnel's global
 * sequence: MLVPN#61). Sent and received totals accumulate and decay by 1/16 per sample once they
 * hold enough packets, so the estimate covers roughly the last sixteen probe intervals of a busy
 * path and the last hundred probes of an idle one.
 */
final class LossEstimator {
  private static final double DECAY_ABOVE = 100;
  private static final double MIN_PACKETS = 10;

  private double sent;
  private double received;

  /** One span: packets sent on the path and packets the peer received (clamped to those sent). */
  void sample(long sentPackets, long receivedPackets) {
    if (sentPackets <= 0) {
      return;
    }
    sent += sentPackets;
    received += Math.clamp(receivedPackets, 0, sentPackets);
    if (sent > DECAY_ABOVE) {
      sent -= sent / 16;
      received -= received / 16;
    }
  }

  /** Fraction lost, 0 until enough packets were measured. */
  double loss() {
    return sent < MIN_PACKETS ? 0 : Math.max(0, (sent - received) / sent);
  }
}
