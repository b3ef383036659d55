package dev.braid.api.v1alpha1;

/**
 * The shape of a {@code host:port} or {@code [ipv6]:port} endpoint, shared by every field holding
 * one.
 */
final class Endpoints {
  /** RE2 pattern (as written inside a CEL string literal) for an endpoint. */
  static final String PATTERN = "^([A-Za-z0-9.-]+|\\\\[[0-9A-Fa-f:.]+\\\\]):[0-9]{1,5}$";

  private Endpoints() {}
}
