package dev.braid.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a gateway is for. */
public enum GatewayMode {
  /** Accepts remote-access clients (stock OpenVPN 2.6 or Braid). */
  @JsonProperty("server")
  SERVER,
  /** Connects out to one or more hubs, bonding this site's uplinks into one tunnel. */
  @JsonProperty("site")
  SITE
}
