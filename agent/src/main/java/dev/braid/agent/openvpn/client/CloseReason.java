package dev.braid.agent.openvpn.client;

import java.time.Duration;

/**
 * Why a client session ended, in OpenVPN's terms: whether trying again makes sense and whether the
 * next attempt should move on to the next remote.
 *
 * @param kind the class of cause
 * @param detail what happened, for logs and status (the server's reason when it gave one)
 * @param retryable whether a new attempt can succeed without a new profile; OpenVPN stops on {@code
 *     AUTH_FAILED} and {@code HALT} (with the default {@code auth-retry none}) and on the caller's
 *     own exit, and restarts on everything else
 * @param advance whether the next attempt should use the next remote rather than this one again
 * @param serverBackoff the least wait the server asked for before the next attempt ({@code
 *     AUTH_FAILED,TEMP[backoff n]}); zero when none
 */
public record CloseReason(
    Kind kind, String detail, boolean retryable, boolean advance, Duration serverBackoff) {

  /** Classes of cause. */
  public enum Kind {
    /**
     * The server refused our credentials: {@code AUTH_FAILED}, or a TLS alert about our
     * certificate.
     */
    AUTH_FAILED,
    /** The server refused us for now: {@code AUTH_FAILED,TEMP}. */
    AUTH_FAILED_TEMP,
    /** The server told us to reconnect ({@code RESTART}). */
    SERVER_RESTART,
    /** The server told us to stop ({@code HALT}). */
    SERVER_HALT,
    /** The server is shutting down ({@code EXIT} or OCC_EXIT). */
    SERVER_EXIT,
    /** Nothing from the server within {@code server-poll-timeout}. */
    SERVER_POLL_TIMEOUT,
    /** TLS and key exchange did not finish within {@code hand-window}. */
    HANDSHAKE_TIMEOUT,
    /** No PUSH_REPLY within {@code hand-window} of the keys. */
    NO_PUSH_REPLY,
    /** Nothing from the server for {@code ping-restart} seconds. */
    PING_RESTART,
    /** TLS failed (the server's certificate, a protocol error, an alert). */
    TLS_ERROR,
    /** The server pushed something this client cannot use (cipher, compression, no peer-id). */
    PUSH_REJECTED,
    /** The server broke the protocol (malformed key-method message, bad push). */
    PROTOCOL_ERROR,
    /** A renegotiation did not finish within {@code hand-window}. */
    RENEGOTIATION_TIMEOUT,
    /** The caller closed the session. */
    CLIENT_EXIT
  }

  public CloseReason {
    serverBackoff = serverBackoff == null ? Duration.ZERO : serverBackoff;
  }

  /** A failure that a new attempt may fix, on the same remote or the next one. */
  static CloseReason retry(Kind kind, String detail, boolean advance) {
    return new CloseReason(kind, detail, true, advance, Duration.ZERO);
  }

  /** An end that another attempt with the same profile would repeat. */
  static CloseReason stop(Kind kind, String detail) {
    return new CloseReason(kind, detail, false, false, Duration.ZERO);
  }

  @Override
  public String toString() {
    return kind + ": " + detail + (retryable ? "" : " (not retryable)");
  }
}
