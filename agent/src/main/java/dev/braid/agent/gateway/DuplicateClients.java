package dev.braid.agent.gateway;

import dev.braid.agent.openvpn.session.Output;
import dev.braid.agent.openvpn.session.ServerSessions;
import dev.braid.agent.openvpn.session.Session;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One session per client certificate common name across every worker and the TCP loop, as a stock
 * OpenVPN server without {@code duplicate-cn}: when a client connects again while its older session
 * is still held (a restarted client, a new NAT mapping, a second device with the same profile), the
 * newer session wins and the older one is closed, so status never shows one client twice and the
 * client's fixed address and routes belong to the connection that is alive.
 *
 * <p>Sessions live on the loop that owns them, so the registry only records who holds each name; a
 * loop whose session lost its name closes it on its own thread on its next turn (the winner's loop
 * wakes them all).
 */
final class DuplicateClients {
  private final ConcurrentHashMap<String, Session<?>> holders = new ConcurrentHashMap<>();
  private final AtomicLong replacements = new AtomicLong();
  private volatile boolean allowed;

  /** OpenVPN's {@code duplicate-cn}: true lets sessions share a name (applies to new sessions). */
  void allow(boolean duplicates) {
    allowed = duplicates;
  }

  /**
   * Records an established session as its common name's holder; true when that displaced another
   * session, which its loop must then close.
   */
  boolean established(Session<?> s) {
    String cn = s.commonName();
    if (cn == null || allowed) {
      return false;
    }
    Session<?> before = holders.put(cn, s);
    if (before == null || before == s) {
      return false;
    }
    replacements.incrementAndGet();
    return true;
  }

  /** Forgets a closed session, unless a newer one already holds its name. */
  void closed(Session<?> s) {
    String cn = s.commonName();
    if (cn != null) {
      holders.remove(cn, s);
    }
  }

  /** How many sessions have been displaced since start; a loop compares it with what it saw. */
  long replacements() {
    return replacements.get();
  }

  /**
   * Closes {@code sessions}' established sessions whose common name a newer session now holds, if
   * anything was displaced since {@code seen}; returns the count to remember as seen.
   */
  <P> long closeDisplaced(ServerSessions<P> sessions, long seen, long nowNanos, Output<P> out) {
    long now = replacements.get();
    if (now == seen) {
      return now;
    }
    for (Session<P> s : sessions.sessions()) {
      String cn = s.commonName();
      Session<?> holder = cn == null || !s.isEstablished() ? null : holders.get(cn);
      if (holder != null && holder != s) {
        sessions.close(
            s,
            "replaced by a newer connection of " + cn + " (peer-id " + holder.peerId() + ")",
            out);
      }
    }
    return now;
  }
}
