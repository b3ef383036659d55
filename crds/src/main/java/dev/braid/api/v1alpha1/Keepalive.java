package dev.braid.api.v1alpha1;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Ping interval and the silence after which a session is dropped (OpenVPN {@code --keepalive}). */
@ValidationRule(
    value = "self.timeoutSeconds >= 2 * self.intervalSeconds",
    message = "spec.keepalive.timeoutSeconds must be at least twice spec.keepalive.intervalSeconds")
public class Keepalive {
  /** Seconds between pings when the tunnel is idle. */
  @Default("10")
  @Min(1)
  @Max(3600)
  public Integer intervalSeconds;

  /** Seconds of silence before a session is considered dead. */
  @Default("60")
  @Min(2)
  @Max(86400)
  public Integer timeoutSeconds;
}
