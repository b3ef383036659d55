package dev.braid.api.v1alpha1;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One local uplink of a multipath gateway. */
@ValidationRule(
    value = "has(self.interfaceName) || has(self.address)",
    message = "spec.multipath.uplinks[] needs interfaceName or address")
public class Uplink {
  /** Name used in status and metrics, e.g. {@code wifi} or {@code lte}. */
  @Required
  @Size(max = 32)
  @Pattern("^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$")
  public String name;

  /** Network interface the uplink leaves through. */
  @Size(max = 15)
  @Pattern("^[A-Za-z0-9_.:-]{1,15}$")
  public String interfaceName;

  /** Local source address of the uplink. */
  @Size(max = 45)
  @ValidationRule(
      value = "isIP(self)",
      message = "spec.multipath.uplinks[].address must be an IP address")
  public String address;

  /** Relative share of traffic for the weighted scheduler. */
  @Default("1")
  @Min(1)
  @Max(100)
  public Integer weight;

  /** Used only when no non-backup uplink is up. */
  @Default("false")
  public Boolean backup;
}
