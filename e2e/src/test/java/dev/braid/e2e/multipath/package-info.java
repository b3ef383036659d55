/**
 * Multipath integration tests on {@link dev.braid.e2e.harness.MultipathTopology}: a site and a hub
 * joined by several routed, shaped paths, where kernel MPTCP and Braid's bonding are tested on the
 * same paths.
 */
package dev.braid.e2e.multipath;
