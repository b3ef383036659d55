package dev.braid.api.v1alpha1;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Which gateway and node a {@link VPNGatewayNode} describes; fixed once created. */
@ValidationRule(value = "self == oldSelf", message = "spec of a VPNGatewayNode cannot be changed")
public class VPNGatewayNodeSpec {
  /** Name of the {@link VPNGateway}. */
  @Required public String gateway;

  /** Name of the node. */
  @Required public String node;
}
