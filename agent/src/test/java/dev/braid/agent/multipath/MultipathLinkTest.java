package dev.braid.agent.multipath;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipathLinkTest {
  private static final long MS = 1_000_000;

  /** Records what a link asks its session to do. */
  private static final class Capture implements LinkOutput<Object> {
    final List<byte[]> probes = new ArrayList<>();
    final List<Integer> probePaths = new ArrayList<>();
    final List<Object> delivered = new ArrayList<>();
    final List<Integer> removed = new ArrayList<>();

    @Override
    public void sendProbe(int pathId, byte[] payload, int off, int len) {
      probes.add(Arrays.copyOfRange(payload, off, off + len));
      probePaths.add(pathId);
    }

    @Override
    public void deliver(Object payload) {
      delivered.add(payload);
    }

    @Override
    public void pathRemoved(int pathId) {
      removed.add(pathId);
    }

    byte[] last() {
      return probes.getLast();
    }
  }

  private long packetId = 1;

  private ProbeDrop feed(MultipathLink<Object> link, int path, byte[] msg, long now, Capture c) {
    return link.onProbe(path, 0, packetId++, msg, 0, msg.length, now, c);
  }

  /** The path state and estimates that a probe reply could change. */
  private record Observed(
      PathState state, long srtt, long rttvar, double loss, long answered, long lastAnswer) {
    static Observed of(PathSnapshot p) {
      return new Observed(
          p.state(),
          p.srttNanos(),
          p.rttvarNanos(),
          p.loss(),
          p.probesAnswered(),
          p.lastAnswerNanos());
    }
  }

  /**
   * Inside the data channel, a forged packet fails the AEAD tag and a replayed one the replay
   * window before the link sees it. The link adds its own checks: a reply counts only for a probe
   * it sent on that path, once, with the timestamp it carried, and a plausible hold time.
   */
  @Test
  void forgedReplayedAndMisroutedRepliesChangeNoState() {
    Capture site = new Capture();
    Capture hub = new Capture();
    MultipathLink<Object> siteLink = new MultipathLink<>(MultipathConfig.defaults(), 0);
    MultipathLink<Object> hubLink = new MultipathLink<>(MultipathConfig.defaults(), 0);
    int a = siteLink.addPath(PathSpec.uplink("a", 0, 1, false), 0);
    int b = siteLink.addPath(PathSpec.uplink("b", 1, 1, false), 0);
    int hubA = hubLink.addPath(PathSpec.learned("site-a"), 0);
    siteLink.poll(0, site); // probes on a and b
    byte[] probeA = site.probes.get(site.probePaths.indexOf(a));
    assertThat(feed(hubLink, hubA, probeA, 10 * MS, hub)).isNull();
    byte[] reply = hub.last();
    assertThat(feed(siteLink, a, reply, 20 * MS, site)).isNull();
    Observed before = Observed.of(siteLink.snapshot(20 * MS).path(a));
    assertThat(before.state()).isEqualTo(PathState.UP);
    assertThat(before.srtt()).isEqualTo(20 * MS);

    assertThat(feed(siteLink, a, reply, 21 * MS, site)).isEqualTo(ProbeDrop.ALREADY_ANSWERED);
    assertThat(feed(siteLink, b, reply, 21 * MS, site)).isEqualTo(ProbeDrop.WRONG_PATH);
    assertThat(feed(siteLink, 7, reply, 21 * MS, site)).isEqualTo(ProbeDrop.UNKNOWN_PATH);
    byte[] unsent = reply.clone();
    unsent[27] = 99; // sequence 99 was never sent
    assertThat(feed(siteLink, a, unsent, 21 * MS, site)).isEqualTo(ProbeDrop.UNKNOWN_SEQUENCE);

    siteLink.poll(100 * MS, site); // the next probe on a: seq 2
    byte[] probe2 = site.probes.get(site.probePaths.lastIndexOf(a));
    assertThat(feed(hubLink, hubA, probe2, 110 * MS, hub)).isNull();
    byte[] reply2 = hub.last();
    byte[] wrongEcho = reply2.clone();
    wrongEcho[35] ^= 1;
    assertThat(feed(siteLink, a, wrongEcho, 111 * MS, site)).isEqualTo(ProbeDrop.ECHO_MISMATCH);
    byte[] longHold = reply2.clone();
    longHold[44] = 0x7F; // "held" for 2 s, longer than the round trip
    assertThat(feed(siteLink, a, longHold, 111 * MS, site)).isEqualTo(ProbeDrop.BAD_HOLD_TIME);
    byte[] newVersion = reply2.clone();
    newVersion[16] = 9;
    assertThat(feed(siteLink, a, newVersion, 111 * MS, site)).isEqualTo(ProbeDrop.UNKNOWN_VERSION);
    byte[] truncated = Arrays.copyOf(reply2, 40);
    assertThat(feed(siteLink, a, truncated, 111 * MS, site)).isEqualTo(ProbeDrop.WRONG_LENGTH);
    LinkSnapshot after = siteLink.snapshot(111 * MS);
    assertThat(Observed.of(after.path(a))).isEqualTo(before);
    assertThat(after.path(b).state()).isEqualTo(PathState.PROBING);
    assertThat(after.probeDrops())
        .containsEntry(ProbeDrop.ALREADY_ANSWERED, 1L)
        .containsEntry(ProbeDrop.WRONG_PATH, 1L)
        .containsEntry(ProbeDrop.UNKNOWN_PATH, 1L)
        .containsEntry(ProbeDrop.UNKNOWN_SEQUENCE, 1L)
        .containsEntry(ProbeDrop.ECHO_MISMATCH, 1L)
        .containsEntry(ProbeDrop.BAD_HOLD_TIME, 1L)
        .containsEntry(ProbeDrop.UNKNOWN_VERSION, 1L)
        .containsEntry(ProbeDrop.WRONG_LENGTH, 1L);

    // the genuine reply still counts after all that
    assertThat(feed(siteLink, a, reply2, 130 * MS, site)).isNull();
    assertThat(siteLink.snapshot(130 * MS).path(a).probesAnswered()).isEqualTo(2);
  }

  /** The peer's probes are answered, but never bring one of our paths up: only our own can. */
  @Test
  void peerProbesDoNotChangeOurPathState() {
    Capture site = new Capture();
    Capture hub = new Capture();
    MultipathLink<Object> siteLink = new MultipathLink<>(MultipathConfig.defaults(), 0);
    MultipathLink<Object> hubLink = new MultipathLink<>(MultipathConfig.defaults(), 0);
    int a = siteLink.addPath(PathSpec.uplink("a", 0, 1, false), 0);
    int hubA = hubLink.addPath(PathSpec.learned("site-a"), 0);
    for (long t = 0; t <= 5_000 * MS; t += 100 * MS) {
      hubLink.poll(t, hub);
      assertThat(feed(siteLink, a, hub.last(), t + 10 * MS, site)).isNull(); // answered ...
      siteLink.poll(t + 10 * MS, site); // ... while our own probes go unanswered
    }
    PathSnapshot p = siteLink.snapshot(5_010 * MS).path(a);
    assertThat(p.state()).isEqualTo(PathState.DOWN);
    assertThat(p.probesReceived()).isEqualTo(51);
    assertThat(p.repliesSent()).isEqualTo(51);
    assertThat(p.probesAnswered()).isZero();
    assertThat(hubLink.snapshot(5_010 * MS).path(hubA).state()).isEqualTo(PathState.DOWN);
  }

  @Test
  void aPeerCannotAddPathsBeyondTheLimit() {
    MultipathConfig config = MultipathConfig.defaults().toBuilder().maxPaths(4).build();
    MultipathLink<Object> hub = new MultipathLink<>(config, 0);
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ids.add(hub.addPath(PathSpec.learned("addr" + i), 0));
    }
    assertThat(ids.subList(0, 4)).containsExactly(0, 1, 2, 3);
    assertThat(ids.subList(4, 100)).containsOnly(MultipathLink.REFUSED);
    assertThat(hub.pathCount()).isEqualTo(4);
    assertThat(hub.snapshot(0).pathsRefused()).isEqualTo(96);
    hub.removePath(2);
    assertThat(hub.addPath(PathSpec.learned("new"), 0)).isEqualTo(2);
  }

  @Test
  void learnedPathsTakeThePeersUplinkAndAreForgottenWhenDownTooLong() {
    MultipathConfig config =
        MultipathConfig.defaults().toBuilder().forgetLearnedAfter(Duration.ofSeconds(5)).build();
    Capture site = new Capture();
    Capture hub = new Capture();
    MultipathLink<Object> siteLink = new MultipathLink<>(config, 0);
    MultipathLink<Object> hubLink = new MultipathLink<>(config, 0);
    siteLink.addPath(PathSpec.uplink("lte", 3, 7, true), 0);
    int learned = hubLink.addPath(PathSpec.learned("site-lte"), 0);
    siteLink.poll(0, site);
    feed(hubLink, learned, site.last(), 10 * MS, hub);
    PathSnapshot p = hubLink.snapshot(10 * MS).path(learned);
    assertThat(p.uplinkId()).isEqualTo(3);
    assertThat(p.weight()).isEqualTo(7);
    assertThat(p.backup()).isTrue();
    assertThat(p.learned()).isTrue();
    long t = 10 * MS;
    while (hub.removed.isEmpty() && t < 20_000 * MS) {
      t = Math.max(t + MS, hubLink.nextDeadlineNanos());
      hubLink.poll(t, hub); // the site never answers the hub's probes
    }
    assertThat(hub.removed).containsExactly(learned);
    assertThat(t / MS)
        .as("down after 2 s of probing, forgotten 5 s later")
        .isBetween(7_000L, 7_100L);
    assertThat(hubLink.pathCount()).isZero();
    assertThat(hubLink.snapshot(t).pathsRemoved()).isEqualTo(1);
  }

  @Test
  void withReorderingOffPacketsAreDeliveredInArrivalOrder() {
    MultipathLink<Object> link =
        new MultipathLink<>(
            MultipathConfig.defaults().toBuilder().reorder(ReorderConfig.off()).build(), 0);
    Capture c = new Capture();
    int a = link.addPath(PathSpec.uplink("a", 0, 1, false), 0);
    for (long id : new long[] {1, 3, 2, 5, 4}) {
      link.onData(a, 0, id, id, 100, 0, c);
    }
    assertThat(c.delivered).containsExactly(1L, 3L, 2L, 5L, 4L);
    assertThat(link.snapshot(0).reorder().enabled()).isFalse();
    assertThat(link.snapshot(0).path(a).rxPackets()).isEqualTo(5);
  }

  @Test
  void aNewKeyRestartsItsSequence() {
    MultipathLink<Object> link = new MultipathLink<>(MultipathConfig.defaults(), 0);
    Capture c = new Capture();
    int a = link.addPath(PathSpec.uplink("a", 0, 1, false), 0);
    for (long id = 1; id <= 3; id++) {
      link.onData(a, 1, id, "old" + id, 100, 0, c);
    }
    link.keyStarted(1, c);
    link.onData(a, 1, 1, "new1", 100, 0, c);
    link.onData(a, 0, 1, "other key", 100, 0, c);
    assertThat(c.delivered).containsExactly("old1", "old2", "old3", "new1", "other key");
  }

  @Test
  void duplicatesCountAsReceivedOnTheirPathAndAreNotDelivered() {
    MultipathLink<Object> link = new MultipathLink<>(MultipathConfig.defaults(), 0);
    Capture c = new Capture();
    int a = link.addPath(PathSpec.uplink("a", 0, 1, false), 0);
    int b = link.addPath(PathSpec.uplink("b", 1, 1, false), 0);
    link.onData(a, 0, 1, "x", 100, 0, c);
    link.onDuplicate(b, 0, 1, 100, 1, c);
    LinkSnapshot s = link.snapshot(1);
    assertThat(c.delivered).containsExactly("x");
    assertThat(s.duplicatesReceived()).isEqualTo(1);
    assertThat(s.path(b).rxPackets()).isEqualTo(1);
    assertThat(s.path(b).duplicatesReceived()).isEqualTo(1);
  }

  @Test
  void probesGoOutEveryIntervalAndFourTimesAsOftenWhileAPathIsInDoubt() {
    Capture site = new Capture();
    Capture hub = new Capture();
    MultipathLink<Object> link = new MultipathLink<>(MultipathConfig.defaults(), 0);
    MultipathLink<Object> peer = new MultipathLink<>(MultipathConfig.defaults(), 0);
    int a = link.addPath(PathSpec.uplink("a", 0, 1, false), 0);
    int peerA = peer.addPath(PathSpec.learned("a"), 0);
    long t = 0;
    List<Long> sent = new ArrayList<>();
    long downAt = -1;
    while (t < 3_000 * MS) {
      int before = site.probes.size();
      link.poll(t, site);
      if (site.probes.size() > before) {
        sent.add(t / MS);
        if (t < 1_000 * MS) { // answered with a 10 ms round trip until 1 s, then silence
          feed(peer, peerA, site.last(), t + 5 * MS, hub);
          feed(link, a, hub.last(), t + 10 * MS, site);
        }
      }
      if (downAt < 0 && link.snapshot(t).path(a).state() == PathState.DOWN) {
        downAt = t;
      }
      t = Math.max(t + 1, link.nextDeadlineNanos());
    }
    List<Long> quiet = sent.stream().filter(x -> x >= 1_000 && x < 1_500).toList();
    System.out.println("probes sent at (ms): " + sent.subList(0, 14) + " ... after 1 s: " + quiet);
    assertThat(sent.subList(0, 10))
        .containsExactly(0L, 100L, 200L, 300L, 400L, 500L, 600L, 700L, 800L, 900L);
    assertThat(quiet)
        .as("probes every 25 ms once one is overdue")
        .contains(1_000L, 1_100L, 1_125L, 1_150L);
    assertThat(downAt / MS).as("the last answer came at 910 ms").isBetween(1_300L, 1_400L);
  }

  /**
   * The per-packet path of a session: choose a path, then receive packets in order. Neither
   * allocates once warm (measured with the JVM's per-thread allocation counter).
   */
  @Test
  void schedulingAndInOrderReceiveAllocateNothing() {
    MultipathLink<Object> link = new MultipathLink<>(MultipathConfig.defaults(), 0);
    Capture capture = new Capture();
    LinkOutput<Object> discard =
        new LinkOutput<>() {
          @Override
          public void sendProbe(int pathId, byte[] payload, int off, int len) {}

          @Override
          public void deliver(Object payload) {}
        };
    link.addPath(PathSpec.uplink("a", 0, 1, false), 0);
    link.addPath(PathSpec.uplink("b", 1, 1, false), 0);
    link.poll(0, capture);
    Object payload = new Object();
    long[] id = {1};
    Runnable burst =
        () -> {
          for (int i = 0; i < 100_000; i++) {
            long mask = link.pickPaths(1400, id[0] * 1000, discard);
            link.onData(
                Long.numberOfTrailingZeros(mask), 0, id[0]++, payload, 1400, id[0] * 1000, discard);
          }
        };
    burst.run(); // warm up
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().threadId();
    long before = threads.getThreadAllocatedBytes(tid);
    burst.run();
    long allocated = threads.getThreadAllocatedBytes(tid) - before;
    System.out.printf("200000 scheduling and receive calls allocated %d bytes%n", allocated);
    assertThat(allocated).isLessThan(16 * 1024);
    assertThat(link.snapshot(0).reorder().releasedInOrder()).isEqualTo(200_000);
  }
}
