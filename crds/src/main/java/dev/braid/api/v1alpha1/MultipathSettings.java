package dev.braid.api.v1alpha1;

import io.fabric8.generator.annotation.Default;
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
}
