package dev.braid.agent.openvpn.client;

import java.time.Duration;

/**
 * Reads the control-channel text messages a server sends besides PUSH_REPLY, with OpenVPN 2.6's
 * meaning: {@code AUTH_FAILED[,reason]} (stop), {@code AUTH_FAILED,TEMP[flags]:reason} (try again,
 * perhaps later and elsewhere), {@code RESTART[,[N]reason]} (reconnect; {@code N}: to the next
 * remote), {@code HALT[,reason]} (stop), {@code EXIT} (the server is going away), {@code INFO},
 * {@code INFO_PRE} and {@code AUTH_PENDING[,timeout n]}.
 */
final class ServerMessages {
  private ServerMessages() {}

  /** How {@code message} ends the session, or null if it does not. */
  static CloseReason ending(String message) {
    if (message.equals("AUTH_FAILED") || message.startsWith("AUTH_FAILED,")) {
      String reason = after(message, "AUTH_FAILED");
      if (reason.startsWith("TEMP")) {
        return authFailedTemp(reason.substring(4));
      }
      return CloseReason.stop(
          CloseReason.Kind.AUTH_FAILED,
          reason.isEmpty() ? "server sent AUTH_FAILED" : "server sent AUTH_FAILED: " + reason);
    }
    if (message.equals("RESTART") || message.startsWith("RESTART,")) {
      String reason = after(message, "RESTART");
      boolean next = flags(reason).contains("N");
      return CloseReason.retry(
          CloseReason.Kind.SERVER_RESTART,
          "server sent RESTART" + (reason.isEmpty() ? "" : ": " + withoutFlags(reason)),
          next);
    }
    if (message.equals("HALT") || message.startsWith("HALT,")) {
      String reason = after(message, "HALT");
      return CloseReason.stop(
          CloseReason.Kind.SERVER_HALT,
          "server sent HALT" + (reason.isEmpty() ? "" : ": " + withoutFlags(reason)));
    }
    if (message.equals("EXIT")) {
      return CloseReason.retry(CloseReason.Kind.SERVER_EXIT, "server sent EXIT", false);
    }
    return null;
  }

  /** The text of an {@code INFO} or {@code INFO_PRE} message, or null for other messages. */
  static String info(String message) {
    for (String prefix : new String[] {"INFO_PRE", "INFO"}) {
      if (message.startsWith(prefix + ",")) {
        return message.substring(prefix.length() + 1);
      }
    }
    return null;
  }

  /**
   * For {@code AUTH_PENDING[,timeout n]}: the time the server asks for ({@code fallback} when it
   * names none); null for other messages.
   */
  static Duration authPending(String message, Duration fallback) {
    if (!message.equals("AUTH_PENDING") && !message.startsWith("AUTH_PENDING,")) {
      return null;
    }
    for (String keyword : after(message, "AUTH_PENDING").split(",")) {
      String k = keyword.strip();
      if (k.startsWith("timeout ")) {
        try {
          return Duration.ofSeconds(Integer.parseUnsignedInt(k.substring(8).strip()));
        } catch (NumberFormatException e) {
          return fallback; // OpenVPN ignores a keyword it cannot read
        }
      }
    }
    return fallback;
  }

  /** {@code TEMP[backoff n,advance no|addr|remote]:reason}, after "TEMP". */
  private static CloseReason authFailedTemp(String rest) {
    Duration backoff = Duration.ZERO;
    boolean advance = false;
    String reason = rest;
    if (rest.startsWith("[") && rest.indexOf(']') > 0) {
      int close = rest.indexOf(']');
      for (String flag : rest.substring(1, close).split(",")) {
        String f = flag.strip();
        if (f.startsWith("backoff ")) {
          try {
            backoff = Duration.ofSeconds(Integer.parseUnsignedInt(f.substring(8).strip()));
          } catch (NumberFormatException e) {
            backoff = Duration.ZERO;
          }
        } else if (f.equals("advance addr") || f.equals("advance remote")) {
          advance = true;
        } else if (f.equals("advance no")) {
          advance = false;
        }
      }
      reason = rest.substring(close + 1);
    }
    reason = reason.startsWith(":") ? reason.substring(1) : reason;
    return new CloseReason(
        CloseReason.Kind.AUTH_FAILED_TEMP,
        "server sent AUTH_FAILED,TEMP" + (reason.isEmpty() ? "" : ": " + reason),
        true,
        advance,
        backoff);
  }

  private static String after(String message, String command) {
    return message.length() > command.length() + 1 ? message.substring(command.length() + 1) : "";
  }

  /** The letters of a leading {@code [flags]} block, or "" without one. */
  private static String flags(String reason) {
    int close = reason.indexOf(']');
    return reason.startsWith("[") && close > 0 ? reason.substring(1, close) : "";
  }

  private static String withoutFlags(String reason) {
    int close = reason.indexOf(']');
    return reason.startsWith("[") && close > 0 ? reason.substring(close + 1) : reason;
  }
}
