package dev.braid.agent.transport.tcp;

import java.net.InetSocketAddress;

/**
 * One ended connection.
 *
 * @param cause how it ended
 * @param peer the remote address
 * @param errno the errno that ended it, 0 when none did (clean, local or protocol close)
 * @param detail what happened, for the log line and the status's last error
 */
public record Disconnect(DisconnectCause cause, InetSocketAddress peer, int errno, String detail) {
  /** The log line: cause, peer and detail. */
  public String describe() {
    return "TCP peer " + peer + " disconnected: " + cause.statusKey() + " (" + detail + ")";
  }
}
