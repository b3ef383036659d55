package dev.braid.agent.openvpn.multipath;

import java.util.Map;

/**
 * How two Braid peers agree on multipath. The site announces {@code IV_BRAID_MP=<version>} in its
 * key-method 2 peer-info; a hub that speaks that version pushes {@code braid-multipath <version>}
 * to that peer only. Stock clients announce nothing and are pushed nothing; a peer announcing a
 * version this hub does not speak is served single-path, as is a site whose hub pushed nothing.
 */
public final class MultipathNegotiation {
  /** The peer-info variable a multipath site sets. */
  public static final String PEER_INFO_VARIABLE = "IV_BRAID_MP";

  /** The pushed option a hub answers it with. */
  public static final String PUSH_OPTION = "braid-multipath";

  /** The one multipath protocol version there is. */
  public static final int VERSION = 1;

  /**
   * Replay window of multipath sessions: a path slower by d seconds at r packets per second
   * delivers ids about d * r behind the fastest; 4096 covers 50 ms at about 80k packets/s (900
   * Mbit/s of 1400-byte packets), where OpenVPN's 64 covers well under a millisecond.
   */
  public static final int REPLAY_WINDOW = 4096;

  private MultipathNegotiation() {}

  /** Whether a peer with this peer-info asked for the multipath version this side speaks. */
  public static boolean requested(Map<String, String> peerInfo) {
    String v = peerInfo.get(PEER_INFO_VARIABLE);
    return v != null && v.strip().equals(Integer.toString(VERSION));
  }

  /** The option a hub pushes to a peer that {@link #requested} multipath. */
  public static String pushOption() {
    return PUSH_OPTION + " " + VERSION;
  }
}
