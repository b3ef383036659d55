package dev.braid.agent.openvpn.multipath;

import static dev.braid.agent.openvpn.multipath.TwoPathNet.MS;
import static dev.braid.agent.openvpn.multipath.TwoPathNet.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.multipath.LinkSnapshot;
import dev.braid.agent.multipath.MultipathConfig;
import dev.braid.agent.multipath.PathSnapshot;
import dev.braid.agent.multipath.PathState;
import dev.braid.agent.multipath.ReorderConfig;
import dev.braid.agent.multipath.SchedulerKind;
import dev.braid.agent.openvpn.client.ClientConfig;
import dev.braid.agent.openvpn.client.ClientEvent;
import dev.braid.agent.openvpn.session.ServerConfig;
import dev.braid.agent.openvpn.testing.TestPki;
import dev.braid.agent.openvpn.tls.ServerCertificatePolicy;
import dev.braid.agent.openvpn.tls.TlsClientContext;
import dev.braid.agent.openvpn.tls.TlsServerContext;
import dev.braid.agent.openvpn.tlswrap.KeyDirection;
import dev.braid.agent.openvpn.tlswrap.StaticKey;
import dev.braid.agent.openvpn.tlswrap.TlsCrypt;
import dev.braid.agent.openvpn.wire.DropReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Braid site ({@code ClientSession}) bonded to a Braid hub (the real {@code ServerSessions} and
 * {@code Session}) over two simulated paths, both ends running {@link MultipathChannel}:
 * negotiation, bonding, failover, redundant sending, reordering and hostile input.
 */
class MultipathSessionsTest {
  private static TlsServerContext hubTls;
  private static TlsClientContext siteTls;
  private static StaticKey key;

  @BeforeAll
  static void pki() throws Exception {
    TestPki pki = new TestPki();
    TestPki.Issued server = pki.server("braid-hub");
    hubTls = TlsServerContext.fromPem(server.certPem(), server.keyPem(), pki.ca().certPem(), "");
    TestPki.Issued site = pki.client("site-a");
    siteTls =
        TlsClientContext.fromPem(
            site.certPem(),
            site.keyPem(),
            pki.ca().certPem(),
            "",
            ServerCertificatePolicy.serverEku(),
            "1.2",
            "1.3");
    byte[] k = new byte[StaticKey.SIZE];
    new Random(7).nextBytes(k);
    key = new StaticKey(k);
  }

  static ServerConfig.Builder hub() {
    return ServerConfig.builder(new TlsCrypt(key, KeyDirection.NORMAL), hubTls);
  }

  static ClientConfig.Builder site(boolean multipath) {
    return ClientConfig.builder(new TlsCrypt(key, KeyDirection.INVERSE), siteTls::newEngine)
        .multipath(multipath);
  }

  /** Numbered tunnel packets both ways at a fixed rate; counts what arrives, in which order. */
  static final class Traffic implements Runnable {
    final TwoPathNet net;
    final long intervalNanos;
    final int size;
    long nextNanos;
    int sentUp;
    int sentDown;

    Traffic(TwoPathNet net, long intervalNanos, int size) {
      this.net = net;
      this.intervalNanos = intervalNanos;
      this.size = size;
      this.nextNanos = net.now;
    }

    @Override
    public void run() {
      while (net.now >= nextNanos) {
        net.site.sendTunPacket(packet(sentUp++), net.now, net.siteOut);
        net.hubSession().sendToClient(packet(sentDown++), net.now, net.hubOut);
        nextNanos += intervalNanos;
      }
    }

    byte[] packet(int n) {
      byte[] p = new byte[size];
      p[0] = 0x45;
      p[4] = (byte) (n >>> 24);
      p[5] = (byte) (n >>> 16);
      p[6] = (byte) (n >>> 8);
      p[7] = (byte) n;
      return p;
    }

    static int number(byte[] p) {
      return (p[4] & 0xFF) << 24 | (p[5] & 0xFF) << 16 | (p[6] & 0xFF) << 8 | p[7] & 0xFF;
    }
  }

  static List<Integer> numbers(List<byte[]> packets) {
    List<Integer> n = new ArrayList<>();
    packets.forEach(p -> n.add(Traffic.number(p)));
    return n;
  }

  static List<Integer> siteNumbers(TwoPathNet net) {
    return numbers(net.siteReceived().stream().map(ClientEvent.TunPacket::packet).toList());
  }

  static int outOfOrder(List<Integer> n) {
    int count = 0;
    int highest = -1;
    for (int x : n) {
      if (x < highest) {
        count++;
      }
      highest = Math.max(highest, x);
    }
    return count;
  }

  /**
   * Connects, lets the probes settle, then sends 1000-byte packets every 0.6 ms both ways for 3 s:
   * 1.7 MB/s, more than one of the two 1 MB/s paths carries.
   */
  static Traffic moreThanOnePathCarries(TwoPathNet net) {
    net.connect();
    net.runFor(SECOND, () -> {});
    net.link("A").bytesPerSecond = 1_000_000;
    net.link("B").bytesPerSecond = 1_000_000;
    Traffic t = new Traffic(net, 600_000, 1000);
    net.runFor(3 * SECOND, t);
    return t;
  }

  static ClientEvent.Connected<?> connected(TwoPathNet net) {
    return (ClientEvent.Connected<?>)
        net.siteEvents.stream().filter(ClientEvent.Connected.class::isInstance).findFirst().get();
  }

  static PathSnapshot path(LinkSnapshot s, String name) {
    return s.paths().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aSiteThatAsksGetsMultipathAndBothEndsProbeBothPaths() {
    TwoPathNet net = new TwoPathNet(hub().build(), 1);
    net.start(site(true).build());
    net.connect();
    ClientEvent.Connected<?> c = connected(net);
    assertThat(c.options().multipath())
        .hasValueSatisfying(m -> assertThat(m.version()).isEqualTo(1));
    assertThat(net.site.multipath()).isTrue();
    assertThat(net.hubSession().multipath()).isTrue();

    net.runFor(2 * SECOND, () -> {});

    LinkSnapshot site = net.site.multipathSnapshot(net.now).link();
    LinkSnapshot hub = net.hubSession().multipathSnapshot(net.now).link();
    assertThat(site.paths()).extracting(PathSnapshot::state).containsOnly(PathState.UP);
    assertThat(hub.paths())
        .extracting(PathSnapshot::name)
        .containsExactlyInAnyOrder("srv-A", "srv-B");
    assertThat(hub.paths()).extracting(PathSnapshot::state).containsOnly(PathState.UP);
    // every 100 ms on each path, both ways: about 20 probes per path in 2 s
    for (PathSnapshot p : hub.paths()) {
      assertThat(p.probesSent()).isBetween(15L, 30L);
      assertThat(p.srttNanos()).isBetween(19 * MS, 25 * MS);
    }
    assertThat(path(hub, "srv-A").uplinkId()).isEqualTo(0);
    assertThat(path(hub, "srv-B").uplinkId()).isEqualTo(1);
  }

  @Test
  void aStockLikeClientGetsNoPushAndKeepsSinglePathWithFloat() {
    TwoPathNet net = new TwoPathNet(hub().build(), 2);
    net.start(site(false).build());
    net.connect();
    ClientEvent.Connected<?> c = connected(net);
    assertThat(c.options().multipath()).isEmpty();
    assertThat(net.hubSession().multipath()).isFalse();
    assertThat(net.hubSession().multipathSnapshot(net.now)).isNull();

    // the client floats to B: the hub answers on B only, as OpenVPN does
    Traffic t = new Traffic(net, 10 * MS, 200);
    net.site.useControlPath("B");
    net.runFor(100 * MS, t); // the hub hears B, and what it sent to A before is delivered
    long downA = net.link("A").downDatagrams;
    long downB = net.link("B").downDatagrams;
    net.runFor(SECOND, t);
    assertThat(net.hubSession().paths().getFirst()).isEqualTo("srv-B");
    assertThat(net.link("A").downDatagrams).isEqualTo(downA);
    assertThat(net.link("B").downDatagrams - downB).isGreaterThanOrEqualTo(100);
    assertThat(siteNumbers(net)).hasSizeGreaterThan(t.sentDown * 9 / 10).doesNotHaveDuplicates();
  }

  @Test
  void aHubWithoutMultipathServesASiteThatAsksSinglePath() {
    TwoPathNet net = new TwoPathNet(hub().multipath(null).build(), 3);
    net.start(site(true).build());
    net.connect();
    assertThat(net.site.multipath()).isFalse();
    assertThat(net.hubSession().multipath()).isFalse();
  }

  @Test
  void bondingSpreadsTrafficOverBothPathsInBothDirections() {
    TwoPathNet net = new TwoPathNet(hub().build(), 4);
    net.start(site(true).build());
    Traffic t = moreThanOnePathCarries(net);

    LinkSnapshot site = net.site.multipathSnapshot(net.now).link();
    LinkSnapshot hub = net.hubSession().multipathSnapshot(net.now).link();
    for (LinkSnapshot s : List.of(site, hub)) {
      long total = s.paths().stream().mapToLong(PathSnapshot::dataPackets).sum();
      for (PathSnapshot p : s.paths()) {
        assertThat(p.dataPackets()).as(p.name()).isGreaterThan(total / 4);
      }
    }
    List<Integer> down = siteNumbers(net);
    List<Integer> up = numbers(net.hubReceived());
    assertThat(outOfOrder(down)).isZero();
    assertThat(outOfOrder(up)).isZero();
    assertThat(down.size()).isGreaterThan(t.sentDown * 9 / 10);
    assertThat(up.size()).isGreaterThan(t.sentUp * 9 / 10);
  }

  @Test
  void aBlackholedPathGoesDownAndTrafficContinuesOnTheOther() {
    assertThat(gapAfterBlackhole(true)).isLessThan(500 * MS);
  }

  @Test
  void withoutMultipathTheSameBlackholeStopsTraffic() {
    assertThat(gapAfterBlackhole(false)).isGreaterThan(2 * SECOND);
  }

  /** The longest time without a delivered packet at the site after path A is blackholed. */
  private long gapAfterBlackhole(boolean multipath) {
    TwoPathNet net = new TwoPathNet(hub().build(), 5);
    net.start(site(multipath).build());
    net.connect();
    net.runFor(SECOND, () -> {});
    Traffic t = new Traffic(net, MS, 200);
    net.runFor(SECOND, t);
    long blackholedAt = net.now;
    net.link("A").blackholed = true;
    long[] last = {net.now};
    long[] gap = {0};
    int[] seen = {net.siteReceived().size()};
    net.runFor(
        3 * SECOND,
        () -> {
          t.run();
          int n = net.siteReceived().size();
          if (n > seen[0]) {
            gap[0] = Math.max(gap[0], net.now - last[0]);
            last[0] = net.now;
            seen[0] = n;
          }
        });
    gap[0] = Math.max(gap[0], net.now - last[0]);
    if (multipath) {
      LinkSnapshot site = net.site.multipathSnapshot(net.now).link();
      PathSnapshot a = path(site, "A");
      assertThat(a.state()).isEqualTo(PathState.DOWN);
      assertThat(a.stateSinceNanos() - blackholedAt).isLessThan(500 * MS);
      PathSnapshot hubA = path(net.hubSession().multipathSnapshot(net.now).link(), "srv-A");
      assertThat(hubA.state()).isEqualTo(PathState.DOWN);
      assertThat(hubA.stateSinceNanos() - blackholedAt).isLessThan(500 * MS);

      // restored: carries traffic again within 2 s
      net.link("A").blackholed = false;
      long before = path(site, "A").dataPackets();
      long hubBefore = hubA.dataPackets();
      net.runFor(2 * SECOND, t);
      LinkSnapshot after = net.site.multipathSnapshot(net.now).link();
      assertThat(path(after, "A").state()).isEqualTo(PathState.UP);
      assertThat(path(after, "A").dataPackets()).isGreaterThan(before);
      assertThat(path(net.hubSession().multipathSnapshot(net.now).link(), "srv-A").dataPackets())
          .isGreaterThan(hubBefore);
    }
    return gap[0];
  }

  @Test
  void redundantSendsEveryPacketOnBothPathsAndCountsTheCopies() {
    MultipathConfig redundant =
        MultipathConfig.defaults().toBuilder().scheduler(SchedulerKind.REDUNDANT).build();
    TwoPathNet net = new TwoPathNet(hub().multipath(redundant).build(), 6);
    net.start(site(true).multipathSettings(redundant).build());
    net.connect();
    net.runFor(SECOND, () -> {});
    net.link("A").lossPercent = 20;
    net.link("B").lossPercent = 20;
    Traffic t = new Traffic(net, MS, 200);
    net.runFor(3 * SECOND, t);
    net.link("A").lossPercent = 0;
    net.link("B").lossPercent = 0;
    net.runFor(SECOND, () -> {});

    List<Integer> down = siteNumbers(net);
    List<Integer> up = numbers(net.hubReceived());
    assertThat(down).doesNotHaveDuplicates();
    assertThat(up).doesNotHaveDuplicates();
    // 20% loss on each path: a packet is lost only if both copies are (4%)
    assertThat(down.size()).isGreaterThanOrEqualTo(t.sentDown * 95 / 100);
    assertThat(up.size()).isGreaterThanOrEqualTo(t.sentUp * 95 / 100);
    LinkSnapshot hub = net.hubSession().multipathSnapshot(net.now).link();
    assertThat(hub.scheduler().duplicatesSent()).isGreaterThan(t.sentDown / 2L);
    assertThat(hub.duplicatesReceived()).isGreaterThan(t.sentUp / 2L);
    assertThat(net.hubOut.drops().get(DropReason.MULTIPATH_DUPLICATE))
        .isEqualTo(hub.duplicatesReceived());
    assertThat(net.siteOut.drops().get(DropReason.MULTIPATH_DUPLICATE))
        .isGreaterThan(t.sentDown / 2L);
    assertThat(net.hubOut.drops()).doesNotContainKey(DropReason.REPLAY);
  }

  @Test
  void packetsArriveInOrderOverPathsOfDifferentDelay() {
    assertThat(outOfOrderOverUnequalPaths(ReorderConfig.defaults())).isZero();
  }

  @Test
  void withTheReorderBufferOffTheSamePathsReorder() {
    assertThat(outOfOrderOverUnequalPaths(ReorderConfig.off())).isGreaterThan(50);
  }

  private int outOfOrderOverUnequalPaths(ReorderConfig reorder) {
    MultipathConfig config = MultipathConfig.defaults().toBuilder().reorder(reorder).build();
    TwoPathNet net = new TwoPathNet(hub().multipath(config).build(), 7);
    net.link("B").delayNanos = 50 * MS;
    net.start(site(true).multipathSettings(config).build());
    moreThanOnePathCarries(net);
    LinkSnapshot site = net.site.multipathSnapshot(net.now).link();
    assertThat(path(site, "B").dataPackets()).isGreaterThan(100); // both paths carried traffic
    // 40 ms of delay difference at 1700 packets/s is ~70 ids: beyond OpenVPN's 64-packet window
    assertThat(net.siteOut.drops()).doesNotContainKey(DropReason.REPLAY_TOO_OLD);
    assertThat(net.hubOut.drops()).doesNotContainKey(DropReason.REPLAY_TOO_OLD);
    return outOfOrder(siteNumbers(net));
  }

  @Test
  void replayedAndForgedPacketsChangeNoPathState() {
    TwoPathNet net = new TwoPathNet(hub().build(), 8);
    net.start(site(true).build());
    net.connect();
    net.runFor(2 * SECOND, () -> {});
    List<Map.Entry<String, byte[]>> captured =
        List.copyOf(net.siteData.subList(net.siteData.size() - 20, net.siteData.size()));
    // freeze the hub's view: nothing more from the site arrives while we look, and every
    // captured packet has arrived once (else its "replay" would be its first, genuine arrival)
    net.link("A").blackholed = true;
    net.link("B").blackholed = true;
    net.runFor(100 * MS, () -> {});
    LinkSnapshot before = net.hubSession().multipathSnapshot(net.now).link();
    Map<DropReason, Long> dropsBefore = Map.copyOf(net.hubOut.drops());

    for (Map.Entry<String, byte[]> e : captured) {
      net.injectAtHub(e.getValue(), "srv-" + e.getKey()); // replayed on its own path
      net.injectAtHub(e.getValue(), "srv-evil"); // and from an address of the attacker's
      byte[] forged = e.getValue().clone();
      forged[forged.length - 1] ^= 1;
      net.injectAtHub(forged, "srv-evil2");
    }
    LinkSnapshot after = net.hubSession().multipathSnapshot(net.now).link();

    assertThat(after.paths())
        .extracting(PathSnapshot::name)
        .containsExactlyInAnyOrder("srv-A", "srv-B");
    for (PathSnapshot p : after.paths()) {
      PathSnapshot b = path(before, p.name());
      assertThat(p.state()).isEqualTo(b.state());
      assertThat(p.srttNanos()).isEqualTo(b.srttNanos());
      assertThat(p.probesAnswered()).isEqualTo(b.probesAnswered());
      assertThat(p.probesReceived()).isEqualTo(b.probesReceived());
      assertThat(p.lastAnswerNanos()).isEqualTo(b.lastAnswerNanos());
    }
    assertThat(
            net.hubOut.drops().get(DropReason.DATA_BAD_TAG)
                - dropsBefore.getOrDefault(DropReason.DATA_BAD_TAG, 0L))
        .isEqualTo(20);
    assertThat(
            net.hubOut.drops().get(DropReason.MULTIPATH_DUPLICATE)
                - dropsBefore.getOrDefault(DropReason.MULTIPATH_DUPLICATE, 0L))
        .isEqualTo(40);
    assertThat(net.hubSession().paths()).doesNotContain("srv-evil", "srv-evil2");
  }

  @Test
  void aSiteWhoseNatMappingChangedIsLearnedAgainInPlaceOfItsDeadPath() {
    MultipathConfig two = MultipathConfig.defaults().toBuilder().maxPaths(2).build();
    TwoPathNet net = new TwoPathNet(hub().multipath(two).build(), 10);
    net.start(site(true).build());
    net.connect();
    net.runFor(SECOND, () -> {});
    net.hubSees = p -> p.equals("A") ? "srv-A-rebound" : "srv-" + p; // A's NAT picked a new port
    Traffic t = new Traffic(net, MS, 200);
    net.runFor(3 * SECOND, t);

    LinkSnapshot hub = net.hubSession().multipathSnapshot(net.now).link();
    assertThat(hub.paths())
        .extracting(PathSnapshot::name)
        .containsExactlyInAnyOrder("srv-A-rebound", "srv-B");
    assertThat(hub.paths()).extracting(PathSnapshot::state).containsOnly(PathState.UP);
    assertThat(path(hub, "srv-A-rebound").dataPackets()).isGreaterThan(100);
  }

  @Test
  void bondedTrafficFlowsThroughRenegotiationsWithEveryKeyReorderedOnItsOwn() {
    TwoPathNet net = new TwoPathNet(hub().renegotiate(java.time.Duration.ofSeconds(2)).build(), 11);
    net.link("B").delayNanos = 30 * MS;
    net.start(site(true).build());
    Traffic t = moreThanOnePathCarries(net);
    net.runFor(3 * SECOND, t);
    net.runFor(SECOND, () -> {});

    assertThat(net.site.renegotiations()).isGreaterThanOrEqualTo(2);
    List<Integer> down = siteNumbers(net);
    List<Integer> up = numbers(net.hubReceived());
    assertThat(down).doesNotHaveDuplicates().hasSizeGreaterThan(t.sentDown * 95 / 100);
    assertThat(up).doesNotHaveDuplicates().hasSizeGreaterThan(t.sentUp * 95 / 100);
    assertThat(net.site.multipathSnapshot(net.now).link().paths())
        .extracting(PathSnapshot::state)
        .containsOnly(PathState.UP);
  }

  @Test
  void aFloodOfSourceAddressesForOnePeerIsCapped() {
    MultipathConfig capped = MultipathConfig.defaults().toBuilder().maxPaths(4).build();
    TwoPathNet net = new TwoPathNet(hub().multipath(capped).build(), 9);
    net.start(site(true).build());
    net.connect();
    net.runFor(SECOND, () -> {});
    // every fresh packet of the site reaches the hub from yet another source address
    int[] n = {0};
    net.hubSees = p -> "srv-flood-" + n[0]++;
    Traffic t = new Traffic(net, MS, 200);
    net.runFor(SECOND, t);
    LinkSnapshot hub = net.hubSession().multipathSnapshot(net.now).link();
    assertThat(n[0]).isGreaterThan(500);
    assertThat(hub.paths()).hasSize(4);
    assertThat(hub.pathsRefused()).isGreaterThan(400);
    // each second at most ten (one per probe interval) down paths made room: the cap holds
    assertThat(hub.pathsRemoved()).isLessThanOrEqualTo(10);
    // still authentic traffic: delivered, not dropped
    assertThat(net.hubReceived().size()).isGreaterThan(t.sentUp * 9 / 10);
  }
}
