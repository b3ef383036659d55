package dev.braid.e2e.bench;

import dev.braid.e2e.harness.MultipathTopology;

/**
 * A system the {@link Multipath} benchmark measures on the shared {@link MultipathTopology}: a
 * single path, kernel MPTCP, or a Braid site bonded to a Braid hub. The benchmark shapes the paths,
 * calls {@link #setUp}, runs the same measurements for every contender through the {@link Traffic}
 * it returns, and calls {@link #tearDown}. A contender that cannot do what its name says (MPTCP
 * with one subflow, a tunnel that did not come up) throws: its row is printed as failed, never with
 * made-up figures.
 */
public interface Contender {
  /** The row's name, e.g. {@code path A}, {@code kernel MPTCP}, {@code braid weighted}. */
  String name();

  /**
   * Starts the system on the topology, whose paths are already shaped for the scenario, and returns
   * where traffic enters and leaves it. Runs once per scenario.
   */
  Traffic setUp(MultipathTopology topology) throws Exception;

  /**
   * Called while a bulk transfer runs (a few seconds in): throws when the system is not doing what
   * it claims, e.g. kernel MPTCP without a second data subflow. {@code port} is the transfer's
   * server port.
   */
  default void checkDuringTransfer(MultipathTopology topology, Traffic traffic, int port)
      throws Exception {}

  /** Stops the system and undoes what {@link #setUp} changed (the topology itself stays). */
  void tearDown(MultipathTopology topology) throws Exception;
}
