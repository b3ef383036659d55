package dev.braid.api.v1alpha1;

/** A transport the gateway listens on; both share the listen port. */
public enum Transport {
  UDP,
  TCP
}
