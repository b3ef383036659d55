package dev.braid.agent.openvpn.tlswrap;

/**
 * Which half of a static key each direction uses (OpenVPN's key-direction / tls-auth direction).
 */
public enum KeyDirection {
  /**
   * Direction 0: send with keys[0], receive with keys[1]. tls-crypt server, tls-auth usually on a
   * server.
   */
  NORMAL(0, 1),
  /** Direction 1: send with keys[1], receive with keys[0]. */
  INVERSE(1, 0),
  /** No direction: keys[0] both ways. */
  BIDIRECTIONAL(0, 0);

  private final int sendKey;
  private final int receiveKey;

  KeyDirection(int sendKey, int receiveKey) {
    this.sendKey = sendKey;
    this.receiveKey = receiveKey;
  }

  public int sendKey() {
    return sendKey;
  }

  public int receiveKey() {
    return receiveKey;
  }
}
