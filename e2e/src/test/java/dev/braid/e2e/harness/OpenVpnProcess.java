package dev.braid.e2e.harness;

import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.WatchedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A stock {@code openvpn} process in a namespace, watched through {@link WatchedProcess}, with the
 * time from its start to a log line: how long a client took to reach "Initialization Sequence
 * Completed".
 */
public final class OpenVpnProcess implements AutoCloseable {
  /** The line a client prints once the tunnel is up. */
  public static final String CONNECTED = "Initialization Sequence Completed";

  private final WatchedProcess process;
  private final long started;

  private OpenVpnProcess(WatchedProcess process, long started) {
    this.process = process;
    this.started = started;
  }

  /**
   * Writes {@code config} to {@code configFile} and starts {@code openvpn --config} on it inside
   * {@code ns}.
   */
  public static OpenVpnProcess start(NetNs ns, Path configFile, String config) throws IOException {
    Files.writeString(configFile, config);
    long started = System.nanoTime();
    Path log = configFile.resolveSibling(configFile.getFileName() + ".log");
    Files.deleteIfExists(log);
    return new OpenVpnProcess(
        new WatchedProcess(ns.command("openvpn", "--config", configFile.toString()), log), started);
  }

  /**
   * Waits until a log line contains {@code text} and returns the time from process start until the
   * wait saw it, or empty if the process exits or {@code timeout} passes first.
   */
  public Optional<Duration> awaitLine(String text, Duration timeout) throws InterruptedException {
    String line = process.await(l -> l.contains(text), timeout.toMillis());
    return line == null
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(System.nanoTime() - started));
  }

  /** The log so far. */
  public String log() {
    return process.output();
  }

  /** True while the process runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The process id, for CPU accounting. */
  public long pid() {
    return process.pid();
  }

  /** Stops the process with SIGTERM (so a client sends its exit notification), then SIGKILL. */
  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
