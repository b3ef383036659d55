package dev.braid.agent.openvpn.reliable;

/** What the receiver did with an incoming message. */
public enum ReceiveResult {
  /** New id inside the receive window: buffered and acknowledged. */
  ACCEPTED(true),
  /** Already delivered or buffered: acknowledged again (its earlier ACK may have been lost). */
  DUPLICATE(true),
  /**
   * Beyond the receive window: dropped without ACK. Acknowledging a message that was not kept would
   * make the sender forget it, losing it for good; unacknowledged, the sender keeps and resends it.
   * A conforming peer never sends this far ahead (its send window is smaller than our receive
   * window).
   */
  BEYOND_WINDOW(false),
  /** Upstream mode only: a duplicate dropped without ACK because no receive buffer was free. */
  NO_BUFFER(false);

  private final boolean acknowledged;

  ReceiveResult(boolean acknowledged) {
    this.acknowledged = acknowledged;
  }

  public boolean acknowledged() {
    return acknowledged;
  }
}
