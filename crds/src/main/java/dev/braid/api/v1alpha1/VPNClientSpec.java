package dev.braid.api.v1alpha1;

import dev.braid.api.schema.Items;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Which gateway a client belongs to and how its certificate is issued. */
public class VPNClientSpec {
  /** Name of a {@link VPNGateway} in the same namespace. */
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
  @ValidationRule(
      value = "self == oldSelf",
      message = "spec.gateway cannot be changed; create a new VPNClient")
  public String gateway;

  /** Fixed IPv4 tunnel address inside the gateway's pool; unset means one from the pool. */
  @Size(max = 15)
  @ValidationRule(
      value = "isIP(self) && ip(self).family() == 4",
      message = "spec.address must be an IPv4 address such as 10.8.0.10")
  public String address;

  /** Certificate lifetime as a Go duration in hours or days, e.g. {@code 720h}. */
  @Default("8760h")
  @Pattern("^[1-9][0-9]{0,5}h$")
  public String validity;

  /**
   * Remote endpoints ({@code host:port}) written into the profile; unset means the gateway nodes'
   * addresses.
   */
  @Size(max = 16)
  @Items(
      maxLength = 261,
      rule = "self.matches('" + Endpoints.PATTERN + "')",
      message = "spec.endpoints must be host:port or [ipv6]:port, such as vpn.example.com:1194")
  public List<String> endpoints;
}
