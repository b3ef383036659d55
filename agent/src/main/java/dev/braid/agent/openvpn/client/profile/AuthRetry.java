package dev.braid.agent.openvpn.client.profile;

/** What to do after {@code AUTH_FAILED} ({@code auth-retry}). */
public enum AuthRetry {
  /** Stop (OpenVPN's default). */
  NONE,
  /** Try again with the same credentials. */
  NOINTERACT,
  /** Ask the user again; a site agent has no user, so it behaves as {@link #NOINTERACT}. */
  INTERACT
}
