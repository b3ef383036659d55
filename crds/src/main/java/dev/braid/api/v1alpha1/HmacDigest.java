package dev.braid.api.v1alpha1;

/** HMAC digest for tls-auth; must match the client's {@code --auth}. */
public enum HmacDigest {
  SHA1,
  SHA256,
  SHA512
}
