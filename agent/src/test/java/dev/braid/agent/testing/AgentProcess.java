package dev.braid.agent.testing;

import dev.braid.agent.runtime.AgentMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Starting the real agent main in tests and benchmarks: writes a config document with the given PKI
 * folder (ca.crt, server.crt, server.key and the control-channel key file in it) and returns the
 * command line of a fresh JVM on the current classpath. The agent prints {@link #SERVING} once it
 * listens.
 */
public final class AgentProcess {
  /** The log line that says the agent listens. */
  public static final String SERVING = "agent serving";

  private AgentProcess() {}

  /**
   * Writes {@code file}.
   *
   * @param transports e.g. {@code UDP} or {@code UDP, TCP}
   * @param wrap {@code tls-crypt}, {@code tls-auth} or {@code none}
   * @param keyFile the control-channel key's file name inside {@code pki}
   */
  public static Path writeConfig(
      Path file,
      Path pki,
      int port,
      String transports,
      String pool,
      String wrap,
      String keyFile,
      int httpPort)
      throws IOException {
    return writeConfig(file, pki, port, transports, pool, wrap, keyFile, httpPort, 2);
  }

  /** Like the other {@code writeConfig}, with {@code workers} data plane workers instead of 2. */
  public static Path writeConfig(
      Path file,
      Path pki,
      int port,
      String transports,
      String pool,
      String wrap,
      String keyFile,
      int httpPort,
      int workers)
      throws IOException {
    return writeConfig(
        file, pki, port, transports, pool, null, Map.of(), wrap, keyFile, httpPort, workers, "");
  }

  /**
   * Writes {@code file}.
   *
   * @param transports e.g. {@code UDP} or {@code UDP, TCP}
   * @param pool6 IPv6 tunnel pool, or null for none
   * @param fixed fixed IPv4 tunnel addresses by certificate common name
   * @param wrap {@code tls-crypt}, {@code tls-auth} or {@code none}
   * @param keyFile the control-channel key's file name inside {@code pki}
   * @param workers data plane workers
   * @param extraYaml further top-level lines, e.g. {@code renegotiateSeconds: 6}
   */
  public static Path writeConfig(
      Path file,
      Path pki,
      int port,
      String transports,
      String pool,
      String pool6,
      Map<String, String> fixed,
      String wrap,
      String keyFile,
      int httpPort,
      int workers,
      String extraYaml)
      throws IOException {
    Files.writeString(
        file,
        """
        gateway:
          name: test
        listen:
          port: %1$d
          transports: [%2$s]
        workers: %3$d
        pools:
          ipv4: %4$s
        %5$s
        tls:
          caFile: %6$s/ca.crt
          certFile: %6$s/server.crt
          keyFile: %6$s/server.key
          controlChannelKeyFile: %6$s/%7$s
          controlChannel: %8$s
        ciphers: [AES-256-GCM, AES-128-GCM, CHACHA20-POLY1305]
        keepalive:
          intervalSeconds: 5
          timeoutSeconds: 30
        control:
          httpPort: %9$d
        %10$s
        """
            .formatted(
                port,
                transports,
                workers,
                pool,
                (pool6 == null ? "" : "  ipv6: " + pool6 + "\n")
                    + (fixed.isEmpty()
                        ? ""
                        : "  fixedAddresses: {"
                            + fixed.entrySet().stream()
                                .map(e -> e.getKey() + ": " + e.getValue())
                                .collect(Collectors.joining(", "))
                            + "}"),
                pki,
                keyFile,
                wrap,
                httpPort,
                extraYaml));
    return file;
  }

  /** {@code java ... AgentMain --config CONFIG --tun TUN} on this JVM's classpath. */
  public static List<String> command(Path config, String tun) {
    return command(config, tun, List.of());
  }

  /** The same command with extra JVM options (a profiler, heap settings) before the class name. */
  public static List<String> command(Path config, String tun, List<String> jvmOptions) {
    return command(List.of("--config", config.toString(), "--tun", tun), jvmOptions);
  }

  /** {@code java ... AgentMain ARGS} on this JVM's classpath, e.g. a DaemonSet container's args. */
  public static List<String> command(List<String> args) {
    return command(args, List.of());
  }

  private static List<String> command(List<String> args, List<String> jvmOptions) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
    argv.addAll(jvmOptions);
    argv.addAll(List.of("-cp", System.getProperty("java.class.path"), AgentMain.class.getName()));
    argv.addAll(args);
    return argv;
  }
}
