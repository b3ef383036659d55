package dev.braid.e2e.bench;

import dev.braid.e2e.harness.KernelMptcp;
import dev.braid.e2e.harness.MultipathTopology;
import dev.braid.e2e.harness.Uplink;
import java.util.List;

/**
 * Kernel MPTCP over every path: the in-kernel path manager with one subflow endpoint per site
 * uplink, iperf3 under {@code mptcpize run}, the probe over one MPTCP connection. Every transfer is
 * checked to spread its data over at least two uplinks ({@code ss -ti} of the subflows), else the
 * row fails.
 */
final class KernelMptcpContender implements Contender {
  @Override
  public String name() {
    return "kernel MPTCP";
  }

  @Override
  public Traffic setUp(MultipathTopology topology) throws Exception {
    KernelMptcp.enable(topology);
    return new Traffic(
        topology.site(),
        topology.hub(),
        MultipathTopology.HUB_ADDRESS,
        List.of("mptcpize", "run"),
        List.of(),
        topology.uplinks().stream().map(Uplink::siteAddress).toList(),
        true,
        null);
  }

  @Override
  public void checkDuringTransfer(MultipathTopology topology, Traffic traffic, int port)
      throws Exception {
    KernelMptcp.requireDataOnEveryConnection(topology.site(), port, 2);
  }

  @Override
  public void tearDown(MultipathTopology topology) throws Exception {
    KernelMptcp.disable(topology);
  }
}
