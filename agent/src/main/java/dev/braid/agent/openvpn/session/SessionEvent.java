package dev.braid.agent.openvpn.session;

/** Something the engine must act on, produced while a session processes input or time. */
public sealed interface SessionEvent {
  /** Keys agreed and PUSH_REPLY sent: the client's tunnel address is live. */
  record Established(Session<?> session, String clientAddress) implements SessionEvent {}

  /** A renegotiation (soft reset) agreed new data keys under {@code keyId}. */
  record Renegotiated(Session<?> session, int keyId, boolean byServer) implements SessionEvent {}

  /** A decrypted IP packet from the client, for the TUN device. */
  record TunPacket(Session<?> session, byte[] packet) implements SessionEvent {}

  /** The session ended (exit, timeout, handshake failure). */
  record Closed(Session<?> session, String reason) implements SessionEvent {}
}
