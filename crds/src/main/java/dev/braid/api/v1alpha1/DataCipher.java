package dev.braid.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An AEAD cipher for the data channel, negotiated from the client's {@code IV_CIPHERS}. */
public enum DataCipher {
  @JsonProperty("AES-256-GCM")
  AES_256_GCM,
  @JsonProperty("AES-128-GCM")
  AES_128_GCM,
  @JsonProperty("CHACHA20-POLY1305")
  CHACHA20_POLY1305
}
