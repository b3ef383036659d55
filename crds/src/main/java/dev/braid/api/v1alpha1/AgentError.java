package dev.braid.api.v1alpha1;

/** An error an agent reports in its status. */
public class AgentError {
  /** What failed, with context (syscall and errno, field path or peer address). */
  public String message;

  /** A short machine-readable cause, e.g. {@code ConfigInvalid} or {@code BindFailed}. */
  public String reason;

  /** When it happened (RFC 3339). */
  public String time;
}
