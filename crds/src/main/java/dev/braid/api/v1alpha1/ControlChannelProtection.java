package dev.braid.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How control-channel packets are wrapped before TLS. */
public enum ControlChannelProtection {
  /**
   * Encrypted and authenticated with a pre-shared key (OpenVPN {@code --tls-crypt}); recommended.
   */
  @JsonProperty("tls-crypt")
  TLS_CRYPT,
  /** Authenticated with a pre-shared HMAC key (OpenVPN {@code --tls-auth}). */
  @JsonProperty("tls-auth")
  TLS_AUTH,
  /** No wrapping: any host can start a TLS handshake. */
  @JsonProperty("none")
  NONE
}
