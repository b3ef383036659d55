/**
 * The agent's control side, beside the data plane's threads: loads the config document (mounted
 * ConfigMap in a pod, a file standalone) and reloads it when it changes, refusing an invalid one
 * and keeping the last good one; maps what the engine and the gateway publish onto the status
 * ({@link dev.braid.agent.control.StatusMapping}); publishes the node's {@code VPNGatewayNode}
 * status periodically and whenever it changes; serves health probes and Prometheus metrics. The
 * data plane plugs in through {@link dev.braid.agent.control.DataPlaneStatus} and {@link
 * dev.braid.agent.control.ConfigListener}.
 */
package dev.braid.agent.control;
