package dev.braid.agent.control;

import dev.braid.api.v1alpha1.VPNGatewayNodeStatus;

/**
 * A part of the node's status that comes from outside the data plane (the agent's NAT, for one),
 * added to every report the control side builds.
 */
@FunctionalInterface
public interface StatusContribution {
  /**
   * Adds this part to {@code status}; sets {@code lastError} only when the status has none yet.
   * Called on the control thread; must be cheap and must not throw.
   */
  void addTo(VPNGatewayNodeStatus status);
}
