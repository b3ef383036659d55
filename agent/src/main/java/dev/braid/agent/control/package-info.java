/**
 * The agent's control side, apart from the data plane: loads the config document (mounted ConfigMap
 * in a pod, a file standalone) and reloads it when it changes, refusing an invalid one and keeping
 * the last good one; publishes the node's {@code VPNGatewayNode} status periodically and whenever
 * it changes; serves health probes and Prometheus metrics. The data plane plugs in through {@link
 * dev.braid.agent.control.DataPlaneStatus} and {@link dev.braid.agent.control.ConfigListener}.
 */
package dev.braid.agent.control;
