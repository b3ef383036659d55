package dev.braid.api.v1alpha1;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** One hub a site gateway connects to. */
public class HubPeer {
  /** A short name used in status and metrics. */
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
  public String name;

  /** {@code host:port} or {@code [ipv6]:port} endpoints of the hub, tried and used together. */
  @Required
  @Size(min = 1, max = 8)
  @ValidationRule(
      value = "self.all(e, e.matches('^([A-Za-z0-9.-]+|\\\\[[0-9A-Fa-f:.]+\\\\]):[0-9]{1,5}$'))",
      message =
          "spec.site.hubs[].endpoints must be host:port or [ipv6]:port, such as hub.example.com:1194")
  public List<String> endpoints;
}
