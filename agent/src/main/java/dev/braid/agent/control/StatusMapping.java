package dev.braid.agent.control;

import dev.braid.agent.control.DataPlaneStatus.Traffic;
import dev.braid.agent.engine.CounterSnapshot;
import dev.braid.agent.engine.Engine;
import dev.braid.agent.gateway.Gateway;
import dev.braid.agent.gateway.PathView;
import dev.braid.agent.gateway.SessionView;
import dev.braid.agent.nativeio.KernelProbe;
import dev.braid.agent.nativeio.TcpListener;
import dev.braid.agent.openvpn.reliable.SenderCounters;
import dev.braid.api.v1alpha1.Capability;
import dev.braid.api.v1alpha1.KernelCapabilities;
import dev.braid.api.v1alpha1.PathStatus;
import dev.braid.api.v1alpha1.SessionStatus;
import dev.braid.api.v1alpha1.Transport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps what the running data plane publishes (the engine's loop counters, the gateway's sessions
 * and protocol counters, the kernel probe) onto the status the control side reports: the {@link
 * DataPlaneStatus.Snapshot} behind the VPNGatewayNode and {@code /metrics}.
 */
public final class StatusMapping {
  private StatusMapping() {}

  /**
   * One snapshot of {@code engine} and {@code gateway}; cheap (reads published views and counters,
   * stops nothing).
   *
   * @param capabilities the kernel capabilities probed at start; updated here with what the data
   *     plane found since (the TCP listener's MPTCP outcome, a UDP GSO refusal at send time)
   */
  public static DataPlaneStatus.Snapshot snapshot(
      Engine engine, Gateway gateway, KernelCapabilities capabilities) {
    List<SessionStatus> sessions = new ArrayList<>();
    for (SessionView v : gateway.sessions()) {
      if (v.established()) {
        sessions.add(status(v));
      }
    }
    CounterSnapshot udp = CounterSnapshot.sum(engine.counters());
    CounterSnapshot tcpLoop = engine.tcpCounters();
    List<Traffic> traffic = new ArrayList<>(List.of(traffic("udp", udp)));
    Map<String, Long> drops = new TreeMap<>();
    udp.dropMap().forEach((reason, n) -> drops.merge(reason.name(), n, Long::sum));
    if (tcpLoop != null) {
      traffic.add(traffic("tcp", tcpLoop));
      tcpLoop.dropMap().forEach((reason, n) -> drops.merge(reason.name(), n, Long::sum));
    }
    gateway.protocolDrops().forEach((reason, n) -> drops.merge("OPENVPN_" + reason, n, Long::sum));
    TcpListener.Protocol tcp = engine.tcpProtocol();
    if (tcp != null) {
      capabilities.mptcp = mptcp(tcp);
    }
    String gsoRefusal = engine.udpSegmentationRefusal();
    if (gsoRefusal != null) {
      // The start-time probe only asks the kernel; a device can still refuse at the first send.
      capabilities.udpSegmentation = new Capability(false, "refused when sending: " + gsoRefusal);
    }
    return new DataPlaneStatus.Snapshot(
        engine.failure() == null && engine.tcpFailure() == null,
        engine.workerCount(),
        sessions,
        capabilities,
        gateway.handshakes(),
        retransmits(gateway.controlCounters()),
        drops,
        engine.tcpDisconnects(),
        gateway.revokedSessions(),
        Map.of("server", gateway.renegotiations(true), "client", gateway.renegotiations(false)),
        traffic);
  }

  /** One loop's counters (or several loops' summed) as one transport's traffic. */
  static Traffic traffic(String transport, CounterSnapshot c) {
    return new Traffic(
        transport,
        c.datagramsIn(),
        c.bytesIn(),
        c.datagramsOut(),
        c.bytesOut(),
        c.tunPacketsIn(),
        c.tunBytesIn(),
        c.tunPacketsOut(),
        c.tunBytesOut(),
        c.tunSegmentedReads(),
        c.tunSegments(),
        c.receiveHolds(),
        c.udpSegmentedSends(),
        c.udpSegmentedDatagrams());
  }

  private static Map<String, Long> retransmits(SenderCounters c) {
    return Map.of(
        "timeout", c.resentTimeout(), "fast", c.resentFast(), "blocked", c.resentBlocked());
  }

  /** One established session as the VPNGatewayNode lists it. */
  static SessionStatus status(SessionView v) {
    SessionStatus s = new SessionStatus();
    s.commonName = v.commonName();
    s.peerId = v.peerId();
    s.tunnelAddresses.add(v.tunnelAddress());
    if (v.tunnelAddress6() != null) {
      s.tunnelAddresses.add(v.tunnelAddress6());
    }
    s.cipher = v.cipher();
    if (v.establishedWallSeconds() > 0) {
      s.since = Instant.ofEpochSecond(v.establishedWallSeconds()).toString();
    }
    if (v.multipath() != null) {
      s.paths.addAll(MultipathStatusMapping.paths(v.multipath(), Transport.valueOf(v.transport())));
      s.multipath = MultipathStatusMapping.counters(v.multipath().link());
      return s;
    }
    boolean first = true;
    for (PathView p : v.paths()) {
      PathStatus ps = new PathStatus();
      ps.remote = p.remote();
      ps.local = p.local();
      ps.transport = Transport.valueOf(v.transport());
      ps.state = first ? "active" : "standby";
      if (first) {
        ps.bytesIn = v.bytesIn();
        ps.bytesOut = v.bytesOut();
      }
      first = false;
      s.paths.add(ps);
    }
    return s;
  }

  /**
   * {@code KernelCapabilities.mptcp} as the gateway listener found it: available, or the reason it
   * fell back to TCP (the MPTCP socket() errno, or {@code net.mptcp.enabled=0}).
   */
  static Capability mptcp(TcpListener.Protocol protocol) {
    return new Capability(protocol.mptcp(), protocol.reason() == null ? "" : protocol.reason());
  }

  /** The kernel features {@link KernelProbe} found, as the node status reports them. */
  public static KernelCapabilities capabilities(
      Map<KernelProbe.Feature, KernelProbe.Finding> probed, String kernel) {
    KernelCapabilities k = new KernelCapabilities();
    k.kernel = kernel;
    k.reusePort = capability(probed.get(KernelProbe.Feature.SO_REUSEPORT));
    k.reusePortSteering = capability(probed.get(KernelProbe.Feature.REUSEPORT_CBPF));
    k.multiqueueTun = capability(probed.get(KernelProbe.Feature.TUN_MULTI_QUEUE));
    k.ipPktinfo = capability(probed.get(KernelProbe.Feature.IP_PKTINFO));
    k.ipv6Pktinfo = capability(probed.get(KernelProbe.Feature.IPV6_PKTINFO));
    k.mptcp = capability(probed.get(KernelProbe.Feature.MPTCP));
    k.udpSegmentation = capability(probed.get(KernelProbe.Feature.UDP_SEGMENT));
    return k;
  }

  private static Capability capability(KernelProbe.Finding c) {
    return c == null ? null : new Capability(c.available(), c.reason());
  }
}
