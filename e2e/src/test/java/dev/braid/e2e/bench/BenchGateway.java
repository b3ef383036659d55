package dev.braid.e2e.bench;

import dev.braid.agent.testing.AgentProcess;
import dev.braid.agent.testing.NetNs;
import dev.braid.e2e.harness.OpenSslPki;
import dev.braid.e2e.harness.OpenVpnConfigs;
import dev.braid.e2e.harness.OpenVpnConfigs.ControlChannel;
import dev.braid.e2e.harness.OpenVpnProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A gateway under test, started in the server namespace on port 1194 with tls-crypt and tunnel
 * network 10.8.0.0/24 (gateway 10.8.0.1): {@code stock} is Debian's openvpn 2.6 server, {@code
 * braid} the Braid agent main in a child JVM (two workers unless told). Both use the same PKI.
 */
interface BenchGateway extends AutoCloseable {
  String name();

  /** The server process, for CPU accounting. */
  long pid();

  @Override
  void close() throws Exception;

  static BenchGateway start(String name, NetNs server, OpenSslPki pki, Path dir, String proto)
      throws Exception {
    return start(name, server, pki, dir, proto, 2, null, null, null, List.of());
  }

  /**
   * Like {@link #start(String, NetNs, OpenSslPki, Path, String)}; a Braid agent gets {@code
   * workers} workers, {@code receiveHoldMicros}, {@code udpSegmentation} (each null: the agent's
   * default) and {@code jvmOptions}, all ignored for the stock server. {@code clientRcvbuf} is the
   * socket receive buffer both gateways push to UDP clients (Braid's {@code clientReceiveBuffer}, a
   * stock {@code push "rcvbuf N"}; 0 none); null leaves each gateway's default (Braid 1 MiB, stock
   * none).
   */
  static BenchGateway start(
      String name,
      NetNs server,
      OpenSslPki pki,
      Path dir,
      String proto,
      int workers,
      Integer receiveHoldMicros,
      Integer clientRcvbuf,
      Boolean udpSegmentation,
      List<String> jvmOptions)
      throws Exception {
    return switch (name) {
      case "stock" -> stock(server, pki, dir, proto, clientRcvbuf);
      case "braid" ->
          braid(
              server,
              pki,
              dir,
              proto,
              workers,
              receiveHoldMicros,
              clientRcvbuf,
              udpSegmentation,
              jvmOptions);
      default ->
          throw new IllegalArgumentException("unknown gateway " + name + " (known: stock, braid)");
    };
  }

  private static BenchGateway stock(
      NetNs server, OpenSslPki pki, Path dir, String proto, Integer clientRcvbuf) throws Exception {
    String serverProto = proto.equals("tcp") ? "tcp-server" : proto;
    String conf = OpenVpnConfigs.server(pki, 1194, serverProto, ControlChannel.TLS_CRYPT);
    if (clientRcvbuf != null && clientRcvbuf > 0 && !proto.equals("tcp")) {
      conf += "push \"rcvbuf " + clientRcvbuf + "\"\n";
    }
    OpenVpnProcess p = OpenVpnProcess.start(server, dir.resolve("stock-server.conf"), conf);
    if (p.awaitLine("Initialization Sequence Completed", Duration.ofSeconds(20)).isEmpty()) {
      p.close();
      throw new IllegalStateException("stock server did not start:\n" + p.log());
    }
    return new BenchGateway() {
      @Override
      public String name() {
        return "stock";
      }

      @Override
      public long pid() {
        return p.pid();
      }

      @Override
      public void close() throws Exception {
        p.close();
      }
    };
  }

  private static BenchGateway braid(
      NetNs server,
      OpenSslPki pki,
      Path dir,
      String proto,
      int workers,
      Integer receiveHoldMicros,
      Integer clientRcvbuf,
      Boolean udpSegmentation,
      List<String> jvmOptions)
      throws Exception {
    List<String> extra = new java.util.ArrayList<>();
    if (udpSegmentation != null) {
      extra.add("udpSegmentation: " + udpSegmentation);
    }
    if (receiveHoldMicros != null) {
      extra.add("receiveHoldMicros: " + receiveHoldMicros);
    }
    if (clientRcvbuf != null) {
      extra.add("clientReceiveBuffer: " + clientRcvbuf);
    }
    Path config =
        AgentProcess.writeConfig(
            dir.resolve("braid-agent.yaml"),
            pki.dir(),
            1194,
            proto.toUpperCase(java.util.Locale.ROOT),
            "10.8.0.0/24",
            null,
            java.util.Map.of(),
            "tls-crypt",
            "tc.key",
            9464,
            workers,
            String.join("\n", extra));
    Process p = server.start(AgentProcess.command(config, "braid0", jvmOptions));
    Path log = dir.resolve("braid-agent.log");
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (var in = p.getInputStream()) {
                Files.copy(in, log, StandardCopyOption.REPLACE_EXISTING);
              } catch (IOException ended) {
                // the agent ended; its log so far is in the file
              }
            });
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.exists(log) || !Files.readString(log).contains(AgentProcess.SERVING)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "braid agent did not start:\n" + (Files.exists(log) ? Files.readString(log) : ""));
      }
      Thread.sleep(200); // polling the log file the copier writes
    }
    return new BenchGateway() {
      @Override
      public String name() {
        return "braid";
      }

      @Override
      public long pid() {
        return p.pid();
      }

      @Override
      public void close() throws Exception {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    };
  }
}
