package dev.braid.api.v1alpha1;

/** Whether one kernel feature is usable, and if not, why. */
public class Capability {
  /** The feature works on this node. */
  public Boolean available;

  /** Why it is unavailable (syscall and errno, or a sysctl), empty when available. */
  public String reason;

  /** Jackson and the API need a no-argument constructor. */
  public Capability() {}

  /** A capability with its probe result. */
  public Capability(boolean available, String reason) {
    this.available = available;
    this.reason = reason;
  }
}
