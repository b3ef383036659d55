package dev.braid.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

/** One established session on a node. */
public class SessionStatus {
  /** Certificate common name of the peer. */
  public String commonName;

  /** OpenVPN peer-id of the session. */
  public Integer peerId;

  /** Tunnel addresses assigned to the peer. */
  public List<String> tunnelAddresses = new ArrayList<>();

  /** Data-channel cipher in use. */
  public String cipher;

  /** When the session was established (RFC 3339). */
  public String since;

  /** Paths the session uses; one for a stock OpenVPN client, several for a multipath peer. */
  public List<PathStatus> paths = new ArrayList<>();

  /** The scheduler's and reorder buffer's counters of a multipath peer; absent otherwise. */
  public MultipathSessionStatus multipath;
}
