package dev.braid.agent.engine;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The counters of one loop at one moment.
 *
 * @param tunSegmentedReads super-packets read from TUN and cut into segments (segmentation offload)
 * @param tunSegments segments those super-packets were cut into
 * @param receiveHolds times the loop waited one receive hold before receiving
 * @param udpSegmentedSends sendmmsg messages that carried several datagrams (UDP GSO)
 * @param udpSegmentedDatagrams datagrams those messages carried
 */
public record CounterSnapshot(
    int worker,
    long datagramsIn,
    long bytesIn,
    long datagramsOut,
    long bytesOut,
    long tunPacketsIn,
    long tunBytesIn,
    long tunPacketsOut,
    long tunBytesOut,
    long tunSegmentedReads,
    long tunSegments,
    long receiveHolds,
    long udpSegmentedSends,
    long udpSegmentedDatagrams,
    long[] dropsByReason) {

  public CounterSnapshot {
    dropsByReason = dropsByReason.clone();
  }

  /** The counters of {@code loops} added up, as one loop numbered -1. */
  public static CounterSnapshot sum(List<CounterSnapshot> loops) {
    long[] drops = new long[LoopDrop.values().length];
    long[] v = new long[13];
    for (CounterSnapshot c : loops) {
      long[] add = {
        c.datagramsIn,
        c.bytesIn,
        c.datagramsOut,
        c.bytesOut,
        c.tunPacketsIn,
        c.tunBytesIn,
        c.tunPacketsOut,
        c.tunBytesOut,
        c.tunSegmentedReads,
        c.tunSegments,
        c.receiveHolds,
        c.udpSegmentedSends,
        c.udpSegmentedDatagrams
      };
      for (int i = 0; i < v.length; i++) {
        v[i] += add[i];
      }
      for (int i = 0; i < drops.length; i++) {
        drops[i] += c.dropsByReason[i];
      }
    }
    return new CounterSnapshot(
        -1, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], drops);
  }

  /** Drops for one reason. */
  public long drops(LoopDrop reason) {
    return dropsByReason[reason.ordinal()];
  }

  /** All drops. */
  public long drops() {
    long sum = 0;
    for (long d : dropsByReason) {
      sum += d;
    }
    return sum;
  }

  /** Non-zero drop counters by reason. */
  public Map<LoopDrop, Long> dropMap() {
    Map<LoopDrop, Long> map = new EnumMap<>(LoopDrop.class);
    for (LoopDrop reason : LoopDrop.values()) {
      if (drops(reason) != 0) {
        map.put(reason, drops(reason));
      }
    }
    return map;
  }

  @Override
  public String toString() {
    return "worker "
        + worker
        + ": in "
        + datagramsIn
        + "/"
        + bytesIn
        + "B out "
        + datagramsOut
        + "/"
        + bytesOut
        + "B tun-in "
        + tunPacketsIn
        + " tun-out "
        + tunPacketsOut
        + " drops "
        + dropMap();
  }
}
