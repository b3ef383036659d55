package dev.braid.agent.runtime;

import dev.braid.agent.control.DataPlaneStatus;
import dev.braid.agent.control.DataPlaneStatus.Traffic;
import dev.braid.agent.engine.CounterSnapshot;
import dev.braid.agent.engine.Engine;
import dev.braid.agent.engine.EngineConfig;
import dev.braid.agent.gateway.Gateway;
import dev.braid.agent.gateway.PathView;
import dev.braid.agent.gateway.ServerSetup;
import dev.braid.agent.gateway.SessionView;
import dev.braid.agent.nativeio.KernelProbe;
import dev.braid.agent.nativeio.NetworkNamespace;
import dev.braid.agent.nativeio.TcpListener;
import dev.braid.agent.openvpn.reliable.SenderCounters;
import dev.braid.agent.openvpn.session.ServerConfig;
import dev.braid.agent.transport.tcp.TcpTransportStatus;
import dev.braid.api.config.AgentConfig;
import dev.braid.api.config.ReloadScope;
import dev.braid.api.v1alpha1.Capability;
import dev.braid.api.v1alpha1.PathStatus;
import dev.braid.api.v1alpha1.SessionStatus;
import dev.braid.api.v1alpha1.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running data plane of one agent: the engine with the OpenVPN gateway on every worker, its TUN
 * device addressed and up. Reports itself to the control side as a {@link DataPlaneStatus} and
 * takes new configs through {@link #reload}.
 */
public final class GatewayDataPlane implements DataPlaneStatus, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayDataPlane.class);

  private final Engine engine;
  private final Gateway gateway;
  private final dev.braid.api.v1alpha1.KernelCapabilities capabilities;

  private GatewayDataPlane(
      Engine engine, Gateway gateway, dev.braid.api.v1alpha1.KernelCapabilities capabilities) {
    this.engine = engine;
    this.gateway = gateway;
    this.capabilities = capabilities;
  }

  /**
   * Starts the data plane for {@code config}.
   *
   * @param tunName name of the TUN device to create
   * @param namespace named network namespace to run in (tests), or null for the current one
   */
  public static GatewayDataPlane start(AgentConfig config, String tunName, String namespace)
      throws IOException, GeneralSecurityException {
    ServerSetup setup = ServerSetup.from(config);
    int workers =
        config.workers != null ? config.workers : Runtime.getRuntime().availableProcessors();
    EngineConfig.Builder engineBuilder = EngineConfig.builder();
    if (config.receiveHoldMicros != null) {
      engineBuilder.receiveHoldMicros(config.receiveHoldMicros);
    }
    if (config.udpSegmentation != null) {
      engineBuilder.udpSegmentation(config.udpSegmentation);
    }
    EngineConfig engineConfig =
        engineBuilder
            .port(config.listen.port)
            .workers(workers)
            .tunName(tunName)
            .networkNamespace(namespace)
            .build();
    Gateway gateway = new Gateway(setup.server(), setup.pool(), workers);
    gateway.allowDuplicateCommonNames(Boolean.TRUE.equals(config.duplicateCommonNames));
    Engine engine = Engine.start(engineConfig, gateway);
    try {
      gateway.attach(engine);
      if (config.listen.transports.contains(Transport.TCP)) {
        gateway.startTcp(openTcpListener(engine.port(), namespace));
      }
      List<String> tunAddresses = new ArrayList<>();
      tunAddresses.add(setup.pool().serverAddress() + "/" + setup.pool().prefixLength());
      if (setup.pool().hasIpv6()) {
        tunAddresses.add(setup.pool().serverAddress6() + "/" + setup.pool().prefixLength6());
      }
      TunAddressing.configure(
          namespace, engine.tunName(), tunAddresses, config.mtu == null ? 1500 : config.mtu);
    } catch (IOException | RuntimeException e) {
      try {
        gateway.stopTcp();
      } catch (IOException | InterruptedException | RuntimeException stopFailure) {
        e.addSuppressed(stopFailure);
      }
      try {
        engine.close();
      } catch (IOException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
    return new GatewayDataPlane(engine, gateway, capabilities());
  }

  /** The TCP listener on the engine's port, inside {@code namespace} if given. */
  private static TcpListener openTcpListener(int port, String namespace) throws IOException {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getByAddress(new byte[16]), port);
    if (namespace == null) {
      return TcpListener.open(any, TcpListener.Options.defaults());
    }
    try (NetworkNamespace ns = NetworkNamespace.enter(namespace)) {
      return TcpListener.open(any, TcpListener.Options.defaults());
    }
  }

  /**
   * Applies {@code next} without dropping sessions (a {@link
   * dev.braid.agent.control.ConfigListener}): routes, DNS, ciphers and keepalive for new sessions,
   * the re-read TLS material (CA, certificate, key, CRL, control-channel key) for new handshakes
   * and renegotiations; sessions whose certificate the new CRL revokes are sent away. Established
   * sessions keep their keys and settings.
   *
   * @throws IllegalStateException when a changed setting needs new sockets, TUN queues or workers
   *     (the message names the fields); the operator rolls the pod for those
   * @throws IOException when a named file cannot be read (the message names the field)
   * @throws GeneralSecurityException when the certificates, key or CRL do not parse or verify
   */
  public void reload(AgentConfig previous, AgentConfig next, boolean restartNeeded)
      throws IOException, GeneralSecurityException {
    if (restartNeeded) {
      throw new IllegalStateException(
          "changed "
              + String.join(", ", ReloadScope.restartFields(previous, next))
              + ": these need new sockets, TUN queues or workers, so the agent applies them only"
              + " at restart (the operator rolls the pod for them)");
    }
    ServerConfig server = ServerSetup.from(next).server();
    gateway.allowDuplicateCommonNames(Boolean.TRUE.equals(next.duplicateCommonNames));
    gateway.apply(
        server,
        next.pools == null || next.pools.fixedAddresses == null
            ? Map.of()
            : next.pools.fixedAddresses);
    LOG.info(
        "config reloaded without dropping sessions: new sessions get routes {}, DNS {}, ciphers"
            + " {}, keepalive {}/{} s; TLS material re-read for new handshakes{}",
        next.routes,
        next.dns == null ? "none" : next.dns.servers,
        server.ciphers(),
        server.ping().toSeconds(),
        server.pingRestart().toSeconds(),
        next.tls.crlFile == null ? "" : " (CRL " + next.tls.crlFile + ")");
  }

  public Engine engine() {
    return engine;
  }

  public Gateway gateway() {
    return gateway;
  }

  @Override
  public Snapshot snapshot() {
    List<SessionStatus> sessions = new ArrayList<>();
    for (SessionView v : gateway.sessions()) {
      if (v.established()) {
        sessions.add(status(v));
      }
    }
    CounterSnapshot udp = CounterSnapshot.sum(engine.counters());
    CounterSnapshot tcpLoop = gateway.tcpCounters();
    List<Traffic> traffic = new ArrayList<>(List.of(traffic("udp", udp)));
    Map<String, Long> drops = new TreeMap<>();
    udp.dropMap().forEach((reason, n) -> drops.merge(reason.name(), n, Long::sum));
    if (tcpLoop != null) {
      traffic.add(traffic("tcp", tcpLoop));
      tcpLoop.dropMap().forEach((reason, n) -> drops.merge(reason.name(), n, Long::sum));
    }
    gateway.protocolDrops().forEach((reason, n) -> drops.merge("OPENVPN_" + reason, n, Long::sum));
    TcpListener.Transport tcp = gateway.tcpTransport();
    if (tcp != null) {
      capabilities.mptcp = TcpTransportStatus.mptcp(tcp);
    }
    String gsoRefusal = engine.udpSegmentationRefusal();
    if (gsoRefusal != null) {
      // The start-time probe only asks the kernel; a device can still refuse at the first send.
      capabilities.udpSegmentation = new Capability(false, "refused when sending: " + gsoRefusal);
    }
    return new Snapshot(
        engine.failure() == null && gateway.tcpFailure() == null,
        engine.workerCount(),
        sessions,
        capabilities,
        gateway.handshakes(),
        retransmits(gateway.controlCounters()),
        drops,
        gateway.tcpDisconnects(),
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

  private static dev.braid.api.v1alpha1.KernelCapabilities capabilities() {
    Map<KernelProbe.Feature, KernelProbe.Capability> probed = KernelProbe.probe();
    dev.braid.api.v1alpha1.KernelCapabilities k = new dev.braid.api.v1alpha1.KernelCapabilities();
    k.kernel = System.getProperty("os.version");
    k.reusePort = capability(probed.get(KernelProbe.Feature.SO_REUSEPORT));
    k.reusePortSteering = capability(probed.get(KernelProbe.Feature.REUSEPORT_CBPF));
    k.multiqueueTun = capability(probed.get(KernelProbe.Feature.TUN_MULTI_QUEUE));
    k.ipPktinfo = capability(probed.get(KernelProbe.Feature.IP_PKTINFO));
    k.ipv6Pktinfo = capability(probed.get(KernelProbe.Feature.IPV6_PKTINFO));
    k.mptcp = capability(probed.get(KernelProbe.Feature.MPTCP));
    k.udpSegmentation = capability(probed.get(KernelProbe.Feature.UDP_SEGMENT));
    return k;
  }

  private static Capability capability(KernelProbe.Capability c) {
    return c == null ? null : new Capability(c.available(), c.reason());
  }

  @Override
  public void close() throws IOException {
    try {
      gateway.stopTcp();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the TCP loop", e);
    } finally {
      engine.close();
    }
  }
}
