package dev.braid.agent.engine;

import java.util.EnumMap;
import java.util.Map;

/** The counters of one worker at one moment. */
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
    long[] dropsByReason) {

  public CounterSnapshot {
    dropsByReason = dropsByReason.clone();
  }

  /** Drops for one reason. */
  public long drops(DropReason reason) {
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
  public Map<DropReason, Long> dropMap() {
    Map<DropReason, Long> map = new EnumMap<>(DropReason.class);
    for (DropReason reason : DropReason.values()) {
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
