package dev.braid.agent.multipath;

/**
 * What a {@link MultipathLink} asks its session to do. Called on the owner thread, from within the
 * link's methods.
 *
 * @param <T> the session's representation of a received payload
 */
public interface LinkOutput<T> {
  /**
   * Seal {@code len} bytes of {@code payload} from {@code off} as a data-channel packet with the
   * current key and send it on path {@code pathId} now. The bytes are only valid during the call.
   */
  void sendProbe(int pathId, byte[] payload, int off, int len);

  /** Hand a received payload to the tunnel; calls come in packet-id order except late packets. */
  void deliver(T payload);

  /** The link removed a learned path that stayed down too long: forget its addresses. */
  default void pathRemoved(int pathId) {}
}
