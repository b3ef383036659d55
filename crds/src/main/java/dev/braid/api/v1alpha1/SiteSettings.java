package dev.braid.api.v1alpha1;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** The hubs a site gateway connects to. */
public class SiteSettings {
  /** Hub peers, each with one or more endpoints. */
  @Required
  @Size(min = 1, max = 16)
  public List<HubPeer> hubs;
}
