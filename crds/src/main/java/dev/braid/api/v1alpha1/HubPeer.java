package dev.braid.api.v1alpha1;

import dev.braid.api.schema.Items;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** One hub a site gateway connects to. */
public class HubPeer {
  /** A short name used in status and metrics. */
  @Required
  @Size(max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
  public String name;

  /** {@code host:port} or {@code [ipv6]:port} endpoints of the hub, tried and used together. */
  @Required
  @Size(min = 1, max = 8)
  @Items(
      maxLength = 261,
      rule = "self.matches('" + Endpoints.PATTERN + "')",
      message =
          "spec.site.hubs[].endpoints must be host:port or [ipv6]:port, such as hub.example.com:1194")
  public List<String> endpoints;
}
