package dev.braid.agent.transport.tcp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Ended connections by cause. Written by the worker that owns the connections, read by the status
 * publisher on another thread.
 */
public final class DisconnectCounters {
  private static final DisconnectCause[] CAUSES = DisconnectCause.values();
  private final AtomicLongArray counts = new AtomicLongArray(CAUSES.length);

  public void record(DisconnectCause cause) {
    counts.incrementAndGet(cause.ordinal());
  }

  public long get(DisconnectCause cause) {
    return counts.get(cause.ordinal());
  }

  /** Every cause by its status key, zeros included, in declaration order. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (DisconnectCause cause : CAUSES) {
      out.put(cause.statusKey(), counts.get(cause.ordinal()));
    }
    return out;
  }
}
