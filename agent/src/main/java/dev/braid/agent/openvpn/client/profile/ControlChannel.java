package dev.braid.agent.openvpn.client.profile;

/** How the profile protects the control channel. */
public enum ControlChannel {
  /** Plain control packets. */
  NONE,
  /**
   * HMAC over each control packet ({@code tls-auth}, with {@code key-direction} and {@code auth}).
   */
  TLS_AUTH,
  /** Encrypted and authenticated control packets ({@code tls-crypt}). */
  TLS_CRYPT
}
