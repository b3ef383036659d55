package dev.braid.agent.openvpn.wire;

/**
 * Result of decoding peer input: a value, or the reason it was dropped. Peer input never throws.
 *
 * @param value the decoded value, null when dropped
 * @param drop why it was dropped, null when decoded
 */
public record Decoded<T>(T value, DropReason drop) {
  public static <T> Decoded<T> ok(T value) {
    return new Decoded<>(value, null);
  }

  public static <T> Decoded<T> dropped(DropReason reason) {
    return new Decoded<>(null, reason);
  }

  public boolean isOk() {
    return drop == null;
  }
}
