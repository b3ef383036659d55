package dev.braid.e2e.bench;

import dev.braid.e2e.harness.MultipathTopology;
import dev.braid.e2e.harness.Uplink;
import java.util.List;

/**
 * One path alone, plain TCP and UDP from the site's address on that uplink to the hub: the
 * reference each bond is compared with.
 */
final class SinglePathContender implements Contender {
  private final int path;

  SinglePathContender(int path) {
    this.path = path;
  }

  @Override
  public String name() {
    return "path " + (char) ('A' + path);
  }

  @Override
  public Traffic setUp(MultipathTopology topology) {
    Uplink u = topology.uplink(path);
    return new Traffic(
        topology.site(),
        topology.hub(),
        MultipathTopology.HUB_ADDRESS,
        List.of(),
        List.of("-B", u.siteAddress()),
        List.of(u.siteAddress()),
        false,
        u.siteAddress());
  }

  @Override
  public void tearDown(MultipathTopology topology) {}
}
