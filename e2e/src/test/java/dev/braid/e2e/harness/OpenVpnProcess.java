package dev.braid.e2e.harness;

import dev.braid.agent.testing.NetNs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A stock {@code openvpn} process in a namespace. Its log is collected line by line with the time
 * each line arrived, so tests can wait for "Initialization Sequence Completed" and measure how long
 * it took.
 */
public final class OpenVpnProcess implements AutoCloseable {
  /** The line a client prints once the tunnel is up. */
  public static final String CONNECTED = "Initialization Sequence Completed";

  private record Line(long nanos, String text) {}

  private final Process process;
  private final long started;
  private final List<Line> lines = new ArrayList<>();
  private final Thread reader;

  private OpenVpnProcess(Process process) {
    this.process = process;
    this.started = System.nanoTime();
    this.reader = Thread.ofVirtual().start(this::collect);
  }

  /**
   * Writes {@code config} to {@code configFile} and starts {@code openvpn --config} on it inside
   * {@code ns}.
   */
  public static OpenVpnProcess start(NetNs ns, Path configFile, String config) throws IOException {
    Files.writeString(configFile, config);
    return new OpenVpnProcess(ns.start(List.of("openvpn", "--config", configFile.toString())));
  }

  private void collect() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = in.readLine()) != null; ) {
        synchronized (lines) {
          lines.add(new Line(System.nanoTime(), l));
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      synchronized (lines) {
        lines.add(new Line(System.nanoTime(), "<log read failed: " + e + ">"));
        lines.notifyAll();
      }
    }
  }

  /**
   * Waits until a log line contains {@code text} and returns the time from process start to that
   * line, or empty if the process exits or {@code timeout} passes first.
   */
  public Optional<Duration> awaitLine(String text, Duration timeout) throws InterruptedException {
    return awaitLine(l -> l.contains(text), timeout);
  }

  /** Like {@link #awaitLine(String, Duration)} with any predicate on the line. */
  public Optional<Duration> awaitLine(Predicate<String> match, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    synchronized (lines) {
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (match.test(lines.get(seen).text())) {
            return Optional.of(Duration.ofNanos(lines.get(seen).nanos() - started));
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
          return Optional.empty();
        }
        lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
      }
    }
  }

  /** The log so far. */
  public String log() {
    synchronized (lines) {
      return String.join("\n", lines.stream().map(Line::text).toList());
    }
  }

  /** The openvpn process id ({@code ip netns exec} execs it), for CPU accounting. */
  public long pid() {
    return process.pid();
  }

  /** True while the process runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Stops the process with SIGTERM (so a client sends its exit notification), then SIGKILL after 5
   * s.
   */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    reader.join(Duration.ofSeconds(5));
  }
}
