package dev.braid.agent.multipath;

/**
 * What the caller knows about a path when it adds one.
 *
 * @param name label for status and metrics, e.g. {@code lte->hub-a:1194}
 * @param uplinkId the local uplink's index (0..254), which orders paths for active-backup and is
 *     announced to the peer in probes; {@link #UNKNOWN_UPLINK} for a learned path
 * @param weight relative preference 1..100 for the weighted scheduler
 * @param backup use only when no non-backup path is up
 * @param learned a path the peer opened (hub side): its uplink id, weight and backup flag are taken
 *     from what the peer announces in its probes, so both directions treat the uplink alike
 */
public record PathSpec(String name, int uplinkId, int weight, boolean backup, boolean learned) {
  /** Uplink id of a path whose uplink the peer has not announced yet. */
  public static final int UNKNOWN_UPLINK = 255;

  /** Largest weight. */
  public static final int MAX_WEIGHT = 100;

  public PathSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("path name must not be blank");
    }
    if (uplinkId < 0 || uplinkId > UNKNOWN_UPLINK) {
      throw new IllegalArgumentException("uplinkId must be 0..255: " + uplinkId);
    }
    if (weight < 1 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("weight must be 1..100: " + weight);
    }
  }

  /** A path over one of our own uplinks (site side). */
  public static PathSpec uplink(String name, int uplinkId, int weight, boolean backup) {
    return new PathSpec(name, uplinkId, weight, backup, false);
  }

  /** A path the peer opened (hub side); the peer's probes say which uplink it is. */
  public static PathSpec learned(String name) {
    return new PathSpec(name, UNKNOWN_UPLINK, 1, false, true);
  }
}
