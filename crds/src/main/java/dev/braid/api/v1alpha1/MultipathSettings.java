package dev.braid.api.v1alpha1;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Several uplinks bonded into one session. */
@ValidationRule(
    value =
        "!has(self.uplinks) || self.uplinks.all(u, self.uplinks.exists_one(v, v.name == u.name))",
    message = "spec.multipath.uplinks must have unique names")
@ValidationRule(
    value = "self.scheduler != 'active-backup' || (has(self.uplinks) && size(self.uplinks) >= 2)",
    message = "spec.multipath.scheduler active-backup needs at least two uplinks")
public class MultipathSettings {
  /** How packets are spread over paths. */
  @Default("weighted")
  public Scheduler scheduler;

  /** Local uplinks; unset means every address the node has a default route through. */
  @Size(max = 8)
  public List<Uplink> uplinks;

  /**
   * How often every path is probed, busy or idle, in milliseconds; unset means 100. A path that
   * stops answering is declared down after about four intervals, so this bounds failover time.
   * Raise it for satellite-like links whose round trip is hundreds of milliseconds. On a hub it
   * applies to the hub's probes of each site's paths.
   */
  @Min(10)
  @Max(60000)
  public Integer probeIntervalMillis;

  /** How the receiving side puts packets that took different paths back in order. */
  public ReorderSettings reorder;
}
