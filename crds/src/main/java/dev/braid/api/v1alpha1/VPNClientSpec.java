package dev.braid.api.v1alpha1;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
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
  public List<String> endpoints;
}
