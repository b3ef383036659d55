package dev.braid.agent.runtime;

import dev.braid.agent.control.DataPlaneStatus;
import dev.braid.agent.control.StatusMapping;
import dev.braid.agent.engine.Engine;
import dev.braid.agent.engine.EngineConfig;
import dev.braid.agent.gateway.Gateway;
import dev.braid.agent.gateway.ServerSetup;
import dev.braid.agent.nativeio.KernelProbe;
import dev.braid.agent.openvpn.session.ServerConfig;
import dev.braid.api.config.AgentConfig;
import dev.braid.api.config.ReloadScope;
import dev.braid.api.v1alpha1.KernelCapabilities;
import dev.braid.api.v1alpha1.Transport;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
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
  private final KernelCapabilities capabilities;

  private GatewayDataPlane(Engine engine, Gateway gateway, KernelCapabilities capabilities) {
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
    int workers = config.workersOrDefault();
    boolean tcp = config.listen().transports().contains(Transport.TCP);
    EngineConfig engineConfig =
        EngineConfig.builder()
            .receiveHoldMicros(config.receiveHoldMicrosOrDefault())
            .udpSegmentation(config.udpSegmentationOrDefault())
            .port(config.listen().port())
            .workers(workers)
            .tunName(tunName)
            .networkNamespace(namespace)
            .tcp(tcp)
            .build();
    Gateway gateway = new Gateway(setup.server(), setup.pool(), workers, tcp);
    gateway.allowDuplicateCommonNames(config.duplicateCommonNamesOrDefault());
    Engine engine = Engine.start(engineConfig, gateway);
    try {
      gateway.attach(engine);
      List<String> tunAddresses = new ArrayList<>();
      tunAddresses.add(setup.pool().serverAddress() + "/" + setup.pool().prefixLength());
      if (setup.pool().hasIpv6()) {
        tunAddresses.add(setup.pool().serverAddress6() + "/" + setup.pool().prefixLength6());
      }
      TunAddressing.configure(namespace, engine.tunName(), tunAddresses, config.mtu());
    } catch (IOException | RuntimeException e) {
      try {
        engine.close();
      } catch (IOException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
    return new GatewayDataPlane(
        engine,
        gateway,
        StatusMapping.capabilities(KernelProbe.probe(), System.getProperty("os.version")));
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
    gateway.allowDuplicateCommonNames(next.duplicateCommonNamesOrDefault());
    gateway.apply(server, next.fixedAddresses());
    LOG.info(
        "config reloaded without dropping sessions: new sessions get routes {}, DNS {}, ciphers"
            + " {}, keepalive {}/{} s; TLS material re-read for new handshakes{}",
        next.routes(),
        next.dns() == null ? "none" : next.dns().servers,
        server.ciphers(),
        server.ping().toSeconds(),
        server.pingRestart().toSeconds(),
        next.tls().crlFile() == null ? "" : " (CRL " + next.tls().crlFile() + ")");
  }

  public Engine engine() {
    return engine;
  }

  public Gateway gateway() {
    return gateway;
  }

  @Override
  public Snapshot snapshot() {
    return StatusMapping.snapshot(engine, gateway, capabilities);
  }

  @Override
  public void close() throws IOException {
    engine.close();
  }
}
