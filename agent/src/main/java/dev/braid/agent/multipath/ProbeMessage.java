package dev.braid.agent.multipath;

/**
 * The fields of one decoded probe or reply. Mutable and reused, so that decoding allocates nothing;
 * valid until the next decode into the same instance.
 */
final class ProbeMessage {
  /** Kind byte of a probe. */
  public static final int PROBE = 1;

  /** Kind byte of a reply. */
  public static final int REPLY = 2;

  int kind;
  int pathId;
  boolean backup;
  int uplinkId;
  int weight;
  long sequence;
  long sentNanos;
  long sendingSet;
  long echoedNanos;
  long receivedNanos;
  long holdNanos;
  long probesReceived;
  long packetsReceived;
  long bytesReceived;

  /** {@link #PROBE} or {@link #REPLY}. */
  public int kind() {
    return kind;
  }

  /** The prober's path id (a reply echoes it). */
  public int pathId() {
    return pathId;
  }

  /** Probe: the prober's uplink is a backup uplink. */
  public boolean backup() {
    return backup;
  }

  /** Probe: the prober's uplink id. */
  public int uplinkId() {
    return uplinkId;
  }

  /** Probe: the prober's weight for this uplink. */
  public int weight() {
    return weight;
  }

  /** The prober's per-path sequence number (a reply echoes it). */
  public long sequence() {
    return sequence;
  }

  /** Probe: the prober's clock when sending. */
  public long sentNanos() {
    return sentNanos;
  }

  /** Probe: the prober's paths (bit i = its path id i) that carry tunnel packets now. */
  public long sendingSet() {
    return sendingSet;
  }

  /** Reply: the probe's send timestamp, echoed. */
  public long echoedNanos() {
    return echoedNanos;
  }

  /** Reply: the replier's clock when the probe arrived. */
  public long receivedNanos() {
    return receivedNanos;
  }

  /** Reply: how long the replier held the probe before replying. */
  public long holdNanos() {
    return holdNanos;
  }

  /** Reply: probes the replier has received on this path. */
  public long probesReceived() {
    return probesReceived;
  }

  /** Packets (all kinds) the sender of this message has received on this path. */
  public long packetsReceived() {
    return packetsReceived;
  }

  /** Reply: payload bytes the replier has received on this path. */
  public long bytesReceived() {
    return bytesReceived;
  }
}
