package dev.braid.api.v1alpha1;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Address pools for tunnel endpoints; the gateway takes the first address of each. */
public class TunnelNetwork {
  /** IPv4 pool, e.g. {@code 10.8.0.0/24}. */
  @Required
  @Size(max = 18)
  @ValidationRule(
      value = "isCIDR(self) && cidr(self).ip().family() == 4 && cidr(self).prefixLength() <= 30",
      message =
          "spec.network.ipv4 must be an IPv4 CIDR with room for clients (prefix /30 or shorter), such as 10.8.0.0/24")
  @ValidationRule(
      value = "!isCIDR(self) || cidr(self) == cidr(self).masked()",
      message =
          "spec.network.ipv4 must be a network address: the bits after the prefix must be zero")
  public String ipv4;

  /** Optional IPv6 pool, e.g. {@code fd00:8::/64}. */
  @Size(max = 43)
  @ValidationRule(
      value = "isCIDR(self) && cidr(self).ip().family() == 6 && cidr(self).prefixLength() <= 124",
      message =
          "spec.network.ipv6 must be an IPv6 CIDR with room for clients (prefix /124 or shorter), such as fd00:8::/64")
  @ValidationRule(
      value = "!isCIDR(self) || cidr(self) == cidr(self).masked()",
      message =
          "spec.network.ipv6 must be a network address: the bits after the prefix must be zero")
  public String ipv6;
}
