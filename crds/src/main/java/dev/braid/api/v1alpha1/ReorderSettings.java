package dev.braid.api.v1alpha1;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The multipath receiver's reorder buffer, ordered on the data channel's packet id. */
public class ReorderSettings {
  /**
   * Hold packets that arrive after a gap until the gap fills, or is given up once every live path
   * has delivered a later packet or the hold timeout passed; unset means on. Off hands every packet
   * to the tunnel as it arrives (TCP inside the tunnel then sees reordering).
   */
  public Boolean enabled;

  /**
   * Upper bound of the hold timeout in milliseconds; unset means 500. The timeout itself follows
   * the measured delay difference between the paths plus a 10 ms margin.
   */
  @Min(1)
  @Max(10000)
  public Integer maxHoldMillis;
}
