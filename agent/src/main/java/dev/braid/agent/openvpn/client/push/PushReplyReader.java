package dev.braid.agent.openvpn.client.push;

import java.util.ArrayList;
import java.util.List;

/**
 * Joins a PUSH_REPLY that the server split over several messages ({@code push-continuation 2} on
 * all but the last, {@code push-continuation 1} on the last) into one option list. Not thread-safe;
 * one per session.
 */
public final class PushReplyReader {
  /** The message prefix. */
  public static final String PREFIX = "PUSH_REPLY";

  private final List<String> options = new ArrayList<>();

  /** Whether {@code message} is a PUSH_REPLY (or one of its continuations). */
  public static boolean isPushReply(String message) {
    return message.equals(PREFIX) || message.startsWith(PREFIX + ",");
  }

  /**
   * Adds one PUSH_REPLY message; returns every option received so far once the reply is complete,
   * else null.
   */
  public List<String> add(String message) {
    if (!isPushReply(message)) {
      throw new IllegalArgumentException("not a PUSH_REPLY: " + message);
    }
    boolean more = false;
    if (message.length() > PREFIX.length()) {
      for (String o : message.substring(PREFIX.length() + 1).split(",")) {
        String option = o.strip();
        if (option.equals(PushedOptionsParser.CONTINUATION + " 2")) {
          more = true;
        } else if (!option.isEmpty()) {
          options.add(option);
        }
      }
    }
    if (more) {
      return null;
    }
    List<String> all = List.copyOf(options);
    options.clear();
    return all;
  }
}
