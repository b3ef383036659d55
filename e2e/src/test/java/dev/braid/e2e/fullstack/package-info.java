/**
 * The whole product on one machine: a real API server, the operator, the agent run from its
 * DaemonSet's pod template in a node network namespace, and a stock OpenVPN client using the
 * profile the operator wrote. Proves that the pieces fit the way a cluster puts them together.
 */
package dev.braid.e2e.fullstack;
