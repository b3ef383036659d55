package dev.braid.agent.runtime;

import dev.braid.agent.control.AgentEnvironment;
import dev.braid.agent.control.ConfigLoader;
import dev.braid.agent.control.ControlPlane;
import dev.braid.api.config.AgentConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent process. {@code --config <agent.yaml>} names the config document (the operator's
 * DaemonSet passes its mounted ConfigMap); {@code --tun <name>} the TUN device (default {@code
 * braid0}). In a pod the downward-API environment names the node and its addresses and, when the
 * document names its VPNGateway's UID, status goes to the {@code VPNGatewayNode}; standalone,
 * status only reaches the logs and {@code /metrics}. A changed config file (or TLS file it names)
 * is applied in place by {@link GatewayDataPlane#reload}; changes that need new sockets are refused
 * and logged, since the operator restarts the pod for them. SIGTERM (or Ctrl-C) stops the control
 * side, then the workers, logs "stopped", and the JVM exits with the signal's status (143 for
 * SIGTERM); a worker failure exits 1.
 */
public final class AgentMain {
  private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

  private AgentMain() {}

  public static void main(String[] args) throws Exception {
    Path configFile = null;
    String tun = "braid0";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> configFile = Path.of(value(args, ++i, "--config"));
        case "--tun" -> tun = value(args, ++i, "--tun");
        default -> usage("unknown argument " + args[i]);
      }
    }
    if (configFile == null) {
      usage("--config is required");
    }
    System.exit(run(configFile.toAbsolutePath(), tun));
  }

  static int run(Path configFile, String tun) throws Exception {
    AgentEnvironment env = AgentEnvironment.fromSystem();
    AgentConfig config = ConfigLoader.load(configFile, env.nodeName()).config();
    GatewayDataPlane dataPlane = GatewayDataPlane.start(config, tun, null);
    TunnelNat nat = TunnelNat.start(config, dataPlane.engine().tunName(), null);
    KubernetesClient client = AgentEnvironment.statusClient(config);
    ControlPlane control =
        ControlPlane.start(
            configFile,
            env.nodeName(),
            env.addresses(),
            dataPlane,
            (previous, next, restartNeeded) -> {
              dataPlane.reload(previous, next, restartNeeded);
              nat.apply(next);
            },
            client,
            null,
            Clock.systemUTC());
    control.contribute(nat);
    LOG.info(
        "agent serving: port {} workers {} tun {} mode {} control port {}",
        dataPlane.engine().port(),
        dataPlane.engine().workerCount(),
        dataPlane.engine().tunName(),
        client == null ? "standalone" : "pod",
        control.httpPort());
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("braid-shutdown")
                .unstarted(
                    () -> {
                      stop.countDown();
                      try {
                        stopped.await(20, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }));
    int exit = 0;
    while (!stop.await(1, TimeUnit.SECONDS)) {
      Throwable failure = dataPlane.engine().failure();
      if (failure != null) {
        LOG.error("a worker failed; stopping: {}", failure.toString(), failure);
        exit = 1;
        break;
      }
    }
    LOG.info("stopping");
    try {
      control.close();
      if (client != null) {
        client.close();
      }
      nat.close();
      dataPlane.close();
      LOG.info("stopped");
    } finally {
      stopped.countDown();
    }
    return exit;
  }

  private static String value(String[] args, int i, String name) {
    if (i >= args.length) {
      usage(name + " needs a value");
    }
    return args[i];
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println(
        "usage: java --enable-native-access=ALL-UNNAMED -jar braid-agent.jar"
            + " --config <agent.yaml> [--tun <device>]");
    System.exit(2);
  }
}
