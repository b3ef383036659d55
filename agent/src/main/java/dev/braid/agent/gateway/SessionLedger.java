package dev.braid.agent.gateway;

import dev.braid.agent.openvpn.multipath.MultipathChannel;
import dev.braid.agent.openvpn.session.Session;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one loop (a worker, or the TCP loop) records about its sessions: tunnel routes in the shared
 * map as sessions come and go, one log line each time, tunnel bytes and completed handshakes. Used
 * only by its loop's thread.
 */
final class SessionLedger {
  private static final Logger LOG = LoggerFactory.getLogger(SessionLedger.class);

  private final int owner;
  private final String loopName;
  private final ConcurrentMap<TunnelAddress, Route> routes;
  private final Gateway gateway;
  private final Map<Integer, long[]> bytes = new HashMap<>(); // peer-id -> {in, out}
  private final PathStateLog pathLog;
  private long handshakes;
  private long serverRenegotiations;
  private long clientRenegotiations;

  SessionLedger(int owner, String loopName, Gateway gateway) {
    this.owner = owner;
    this.loopName = loopName;
    this.pathLog = new PathStateLog(loopName);
    this.routes = gateway.routes();
    this.gateway = gateway;
  }

  void established(Session<?> s) {
    if (gateway.duplicates().established(s)) {
      gateway.wakeAll(); // the loop of the session it displaced closes that one
    }
    handshakes++;
    bytes.put(s.peerId(), new long[2]);
    Route route = new Route(owner, s.peerId());
    for (String address : tunnelAddresses(s)) {
      routes.put(TunnelAddress.of(InetAddress.ofLiteral(address)), route);
    }
    X509Certificate cert = s.clientCertificate();
    LOG.info(
        "session established: {} peer-id {} tunnel {} from {} ({})",
        loopName,
        s.peerId(),
        String.join(" ", tunnelAddresses(s)),
        s.paths().getFirst(),
        cert == null ? "no certificate" : cert.getSubjectX500Principal().getName());
  }

  void renegotiated(Session<?> s, int keyId, boolean byServer) {
    if (byServer) {
      serverRenegotiations++;
    } else {
      clientRenegotiations++;
    }
    LOG.info(
        "session renegotiated: {} peer-id {} key id {} ({}, {} by the server so far)",
        loopName,
        s.peerId(),
        keyId,
        byServer ? "started by the server" : "started by the client",
        s.serverRenegotiations());
  }

  void closed(Session<?> s, String reason) {
    gateway.duplicates().closed(s);
    bytes.remove(s.peerId());
    pathLog.forget(s.peerId());
    Route route = new Route(owner, s.peerId());
    for (String address : tunnelAddresses(s)) {
      routes.remove(TunnelAddress.of(InetAddress.ofLiteral(address)), route);
    }
    LOG.info(
        "session closed: {} peer-id {} tunnel {} from {}: {}",
        loopName,
        s.peerId(),
        s.clientAddress() == null ? "(none yet)" : String.join(" ", tunnelAddresses(s)),
        s.paths().isEmpty() ? "?" : s.paths().getFirst(),
        reason);
  }

  /** The session's IPv4 and (if any) IPv6 tunnel addresses. */
  private static List<String> tunnelAddresses(Session<?> s) {
    List<String> all = new ArrayList<>(2);
    if (s.clientAddress() != null) {
      all.add(s.clientAddress());
    }
    if (s.clientAddress6() != null) {
      all.add(s.clientAddress6());
    }
    return all;
  }

  void fromClient(int peerId, int length) {
    long[] b = bytes.get(peerId);
    if (b != null) {
      b[0] += length;
    }
  }

  void toClient(int peerId, int length) {
    long[] b = bytes.get(peerId);
    if (b != null) {
      b[1] += length;
    }
  }

  /** Completed renegotiations started by the server ({@code true}) or by clients. */
  long renegotiations(boolean byServer) {
    return byServer ? serverRenegotiations : clientRenegotiations;
  }

  long handshakes() {
    return handshakes;
  }

  /**
   * Views of {@code sessions} with their byte counts, for publishing; {@code nowNanos} is the
   * loop's clock (multipath snapshots are taken on it).
   */
  <P> List<SessionView> views(
      List<Session<P>> sessions, String transport, Function<P, PathView> path, long nowNanos) {
    List<SessionView> views = new ArrayList<>();
    for (Session<P> s : sessions) {
      long[] b = bytes.getOrDefault(s.peerId(), new long[2]);
      MultipathChannel.Snapshot<P> mp = s.multipathSnapshot(nowNanos);
      MultipathView multipath = null;
      if (mp != null) {
        Map<Integer, PathView> addresses = new HashMap<>();
        mp.paths().forEach((id, p) -> addresses.put(id, path.apply(p)));
        multipath = new MultipathView(mp.link(), addresses, System.currentTimeMillis());
        pathLog.observe(s.peerId(), s.commonName(), multipath);
      }
      views.add(
          new SessionView(
              owner,
              transport,
              s.peerId(),
              s.clientAddress(),
              s.clientAddress6(),
              s.commonName(),
              s.cipher(),
              s.establishedWallSeconds(),
              s.isEstablished(),
              s.paths().stream().map(path).toList(),
              b[0],
              b[1],
              s.authenticatedDataPackets(),
              multipath));
    }
    return List.copyOf(views);
  }
}
