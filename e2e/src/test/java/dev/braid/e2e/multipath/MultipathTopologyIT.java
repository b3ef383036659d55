package dev.braid.e2e.multipath;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.Prerequisites;
import dev.braid.e2e.harness.Iperf3;
import dev.braid.e2e.harness.KernelMptcp;
import dev.braid.e2e.harness.MultipathTopology;
import dev.braid.e2e.harness.Ping;
import dev.braid.e2e.harness.SequencedProbe;
import dev.braid.e2e.harness.Uplink;
import dev.braid.e2e.harness.Uplink.Direction;
import dev.braid.e2e.harness.Uplink.Shape;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The multipath test bed itself (the benchmark and the multipath ITs stand on it): each uplink
 * takes its own path with the delay asked for, tbf holds the rate over a delayed path, loss and
 * blackholing act on one path only, a link goes down and comes back, kernel MPTCP spreads one
 * transfer over both paths, the probe stream measures, and nothing is left behind.
 */
class MultipathTopologyIT {
  private static final String HUB = MultipathTopology.HUB_ADDRESS;
  private static MultipathTopology topology;
  private static Uplink a;
  private static Uplink b;

  @BeforeAll
  static void build() throws IOException {
    Prerequisites.require("ip", "tc", "nft", "iperf3", "ping", "ss", "nstat", "mptcpize");
    topology = MultipathTopology.create(2);
    a = topology.uplink(0);
    b = topology.uplink(1);
  }

  @AfterEach
  void reset() throws IOException {
    topology.reset();
  }

  @AfterAll
  static void close() throws IOException {
    if (topology != null) {
      topology.close();
    }
  }

  @Test
  void eachUplinkTakesItsOwnPathWithItsOneWayDelayEachWay() throws Exception {
    a.delay(Duration.ofMillis(10));
    b.delay(Duration.ofMillis(30));
    for (Uplink u : List.of(a, b)) {
      Uplink other = u == a ? b : a;
      long mine = forwarded(u, Direction.UP);
      long theirs = forwarded(other, Direction.UP);
      Ping.Result ping = Ping.run(topology.site(), u.siteAddress(), HUB, 20, Duration.ofMillis(20));
      double rtt = 2 * u.shape(Direction.UP).delay().toMillis();
      assertThat(ping.received()).as("%s replies", u).isEqualTo(20);
      assertThat(ping.min()).as("%s min RTT, %s", u, ping.rttMillis()).isBetween(rtt, rtt + 2);
      assertThat(ping.median())
          .as("%s median RTT, %s", u, ping.rttMillis())
          .isBetween(rtt, rtt + 3);
      assertThat(forwarded(u, Direction.UP) - mine)
          .as("%s carried the pings", u)
          .isGreaterThanOrEqualTo(20);
      assertThat(forwarded(other, Direction.UP) - theirs)
          .as("%s stayed quiet", other)
          .isLessThan(5);
    }
  }

  @Test
  void tbfHoldsTheRateOverADelayedPathWhichNeitherLosesNorReorders() throws Exception {
    a.shape(Shape.of(20, 10, 0));
    long dropsBefore = a.delayLineDrops();
    SequencedProbe probe =
        SequencedProbe.udp(topology.site(), a.siteAddress(), topology.hub(), HUB, 7000, 1000);
    Iperf3 iperf =
        Iperf3.start(
            topology.hub(),
            topology.site(),
            HUB,
            5201,
            List.of(),
            List.of("-B", a.siteAddress()),
            4,
            1,
            null,
            1.0);
    Iperf3.Result r;
    try {
      r = iperf.await();
    } finally {
      iperf.close();
    }
    SequencedProbe.Result p = probe.stop(Duration.ofSeconds(1));
    assertThat(r.mbit()).as("iperf3 over A at 20 Mbit/s, 10 ms each way").isBetween(15.0, 25.0);
    assertThat(a.delayLineDrops() - dropsBefore).as("delay line losses").isZero();
    // packets of one flow sent from different CPUs: veth alone would now and then swap them
    assertThat(p.reordered()).as("probe messages reordered beside the transfer").isZero();
  }

  @Test
  void blackholeStopsPathAOnlyWhileItsLinksStayUp() throws Exception {
    a.blackhole(true);
    long before = forwarded(a, Direction.UP);
    assertThat(ping(a, 5).received()).as("pings over blackholed A").isZero();
    assertThat(ping(b, 5).received()).as("pings over B").isEqualTo(5);
    assertThat(forwarded(a, Direction.UP)).as("A's delay line saw nothing").isEqualTo(before);
    assertThat(topology.site().ip("link", "show", a.siteInterface())).contains("state UP");
    a.blackhole(false);
    assertThat(ping(a, 5).received()).as("pings over restored A").isEqualTo(5);
  }

  @Test
  void randomLossDropsAboutTheShareAskedForEachWay() throws Exception {
    a.loss(30);
    // each ping crosses A twice: 0.7 x 0.7 = 49% come back
    Ping.Result r = Ping.run(topology.site(), a.siteAddress(), HUB, 300, Duration.ofMillis(5));
    assertThat(r.received()).as("replies of 300 at 30%% loss each way").isBetween(105, 190);
    assertThat(ping(b, 20).received()).as("B is loss-free").isEqualTo(20);
  }

  @Test
  void linkDownCutsPathAAndLinkUpRestoresItsRoutes() throws Exception {
    a.linkDown();
    assertThat(repliesOrZero(a)).as("pings from A's address with A's link down").isZero();
    assertThat(ping(b, 5).received()).as("pings over B").isEqualTo(5);
    a.linkUp();
    assertThat(ping(a, 5).received()).as("pings over A after link up").isEqualTo(5);
    assertThat(Ping.run(topology.site(), null, HUB, 3, Duration.ofMillis(50)).received())
        .as("the default route (path A) is back")
        .isEqualTo(3);
  }

  @Test
  void lanHostsReachTheirGatewaysButNotEachOtherWithoutATunnel() throws Exception {
    NetNs siteLan = topology.siteLan();
    NetNs hubLan = topology.hubLan();
    Duration i = Duration.ofMillis(50);
    assertThat(Ping.run(siteLan, null, MultipathTopology.SITE_LAN_GATEWAY, 3, i).received())
        .isEqualTo(3);
    assertThat(Ping.run(hubLan, null, MultipathTopology.HUB_LAN_GATEWAY, 3, i).received())
        .isEqualTo(3);
    assertThat(Ping.run(siteLan, null, MultipathTopology.HUB_LAN_HOST, 3, i).received())
        .as("the routers know no LAN prefix")
        .isZero();
  }

  @Test
  void kernelMptcpSpreadsOneTransferOverBothPaths() throws Exception {
    a.shape(Shape.of(20, 10, 0));
    b.shape(Shape.of(20, 10, 0));
    KernelMptcp.enable(topology);
    try {
      long aBefore = forwardedBytes(a);
      long bBefore = forwardedBytes(b);
      Iperf3 iperf =
          Iperf3.start(
              topology.hub(),
              topology.site(),
              HUB,
              5201,
              List.of("mptcpize", "run"),
              List.of(),
              4,
              1,
              null,
              1.0);
      Iperf3.Result r;
      try {
        Thread.sleep(2500);
        KernelMptcp.requireDataOnEveryConnection(topology.site(), 5201, 2);
        r = iperf.await();
      } finally {
        iperf.close();
      }
      assertThat(r.mbit()).as("MPTCP over 20 + 20 Mbit/s").isGreaterThan(25.0);
      assertThat(forwardedBytes(a) - aBefore).as("bytes over A").isGreaterThan(2_000_000L);
      assertThat(forwardedBytes(b) - bBefore).as("bytes over B").isGreaterThan(2_000_000L);

      SequencedProbe probe = SequencedProbe.mptcp(topology.site(), topology.hub(), HUB, 7000, 1000);
      Thread.sleep(1000);
      SequencedProbe.Result p = probe.stop(Duration.ofSeconds(2));
      assertThat(p.sent()).isBetween(900L, 1100L);
      assertThat(p.lost()).as("MPTCP probe losses").isZero();
      assertThat(p.oneWayP50Millis()).as("one-way delay of 10 ms paths").isBetween(10.0, 15.0);
    } finally {
      KernelMptcp.disable(topology);
    }
  }

  @Test
  void udpProbeSeesTheDelayAndTheGapOfABlackhole() throws Exception {
    b.delay(Duration.ofMillis(20));
    SequencedProbe probe =
        SequencedProbe.udp(topology.site(), b.siteAddress(), topology.hub(), HUB, 7000, 1000);
    Thread.sleep(500);
    b.blackhole(true);
    Thread.sleep(400);
    b.blackhole(false);
    Thread.sleep(500);
    SequencedProbe.Result p = probe.stop(Duration.ofMillis(500));
    assertThat(p.oneWayP50Millis()).as("one-way delay over B").isBetween(20.0, 23.0);
    assertThat(p.maxGapMillis()).as("the blackhole's gap").isBetween(350.0, 600.0);
    assertThat(p.maxGapAtSeconds()).as("when the gap began").isBetween(0.4, 0.7);
    assertThat(p.lost()).as("lost during 400 ms at 1 kpps").isBetween(300L, 500L);
    assertThat(p.reordered()).isZero();
  }

  @Test
  void closeRemovesEverythingAndLeftoversOfDeadRunsAreDeleted() throws Exception {
    // a namespace as a crashed run leaves it: its creating pid (above pid_max) is not alive
    NetNs leftover = NetNs.create("mp99999999-site");
    MultipathTopology.removeLeftovers();
    String namespaces = NetNs.host("ip", "netns", "list");
    assertThat(namespaces).doesNotContain(leftover.name());
    assertThat(namespaces).as("a live run's namespaces stay").contains(topology.site().name());

    MultipathTopology second = MultipathTopology.create(3);
    List<String> names =
        List.of(second.site().name(), second.hub().name(), second.uplink(2).router().name());
    long box = second.delayBoxPid();
    assertThat(NetNs.host("ip", "netns", "list")).contains(names);
    second.close();
    assertThat(NetNs.host("ip", "netns", "list")).doesNotContain(names);
    assertThat(ProcessHandle.of(box).map(ProcessHandle::isAlive).orElse(false))
        .as("delay box process")
        .isFalse();
  }

  private static long forwarded(Uplink u, Direction d) throws IOException {
    return u.stats(d).forwarded();
  }

  private static long forwardedBytes(Uplink u) throws IOException {
    return u.stats(Direction.UP).forwardedBytes();
  }

  private static Ping.Result ping(Uplink u, int count) throws IOException {
    return Ping.run(topology.site(), u.siteAddress(), HUB, count, Duration.ofMillis(100));
  }

  /** Replies over {@code u}; 0 also when ping could not even send for want of a route. */
  private static int repliesOrZero(Uplink u) throws IOException {
    try {
      return ping(u, 3).received();
    } catch (IOException e) {
      if (e.getMessage().contains("unreachable")) {
        return 0;
      }
      throw e;
    }
  }
}
