package dev.braid.e2e.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running {@link DelayBox}: a child JVM on this JVM's classpath that owns one TUN device per
 * channel. Calls are synchronous request/answer lines; a box that died (or answers with an error)
 * makes every call throw with its log. Closing the pipe ends the box; so does this JVM's death.
 */
public final class DelayBoxProcess implements AutoCloseable {
  /** Counters of one channel since the box started. */
  public record ChannelStats(
      long received,
      long receivedBytes,
      long forwarded,
      long forwardedBytes,
      long queueDrops,
      long writeErrors,
      long lastForwardNanos) {
    static ChannelStats parse(String field) {
      String[] f = field.split(",");
      return new ChannelStats(
          Long.parseLong(f[0]),
          Long.parseLong(f[1]),
          Long.parseLong(f[2]),
          Long.parseLong(f[3]),
          Long.parseLong(f[4]),
          Long.parseLong(f[5]),
          Long.parseLong(f[6]));
    }
  }

  private final Process process;
  private final Writer commands;
  private final BufferedReader answers;
  private final Path log;

  private DelayBoxProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
    this.answers =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
  }

  /**
   * Starts a box with one channel per {@code namespace:tun} and waits until every device exists
   * (the caller then brings them up and routes into them). Its stderr goes to {@code log}.
   */
  public static DelayBoxProcess start(List<String> channels, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv =
        new ArrayList<>(
            List.of(
                // its timing is the paths' delay: let it run before the traffic it delays
                "nice",
                "-n",
                "-10",
                java,
                "--enable-native-access=ALL-UNNAMED",
                // a small, quiet JVM: it copies a few thousand packets a second
                "-XX:+UseSerialGC",
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                DelayBox.class.getName()));
    argv.addAll(channels);
    Process p =
        new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
    DelayBoxProcess box = new DelayBoxProcess(p, log);
    try {
      box.expect("ready", Duration.ofSeconds(30));
    } catch (IOException | RuntimeException e) {
      box.close();
      throw e;
    }
    return box;
  }

  /** Sets channel {@code channel}'s delay (microsecond resolution). */
  public synchronized void delay(int channel, Duration delay) throws IOException {
    long micros = delay.toNanos() / 1000;
    if (micros < 0) {
      throw new IllegalArgumentException("negative delay " + delay);
    }
    send("delay " + channel + " " + micros);
    expect("ok", Duration.ofSeconds(10));
  }

  /** Every channel's counters, in channel order. */
  public synchronized List<ChannelStats> stats() throws IOException {
    send("stats");
    String line = expect("stats", Duration.ofSeconds(10));
    List<ChannelStats> stats = new ArrayList<>();
    for (String field : line.substring("stats".length()).trim().split(" ")) {
      if (!field.isEmpty()) {
        stats.add(ChannelStats.parse(field));
      }
    }
    return stats;
  }

  /** Throws unless the box still runs (it stops only with its owner or on an internal error). */
  public void requireAlive() throws IOException {
    if (!process.isAlive()) {
      throw new IOException(
          "delay box exited with " + process.exitValue() + "; its log " + log + ":\n" + logText());
    }
  }

  public long pid() {
    return process.pid();
  }

  private void send(String command) throws IOException {
    requireAlive();
    commands.write(command + "\n");
    commands.flush();
  }

  /**
   * Reads the next line, which must start with {@code prefix}. The box answers within milliseconds;
   * the timeout only turns a wedged box into an error (the wait polls the pipe).
   */
  private String expect(String prefix, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!answers.ready()) {
      if (!process.isAlive() && !answers.ready()) {
        requireAlive();
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("delay box did not answer in " + timeout + "; log:\n" + logText());
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for the delay box", e);
      }
    }
    String line = answers.readLine();
    if (line == null || !line.startsWith(prefix)) {
      throw new IOException(
          "delay box answered " + line + " instead of " + prefix + "; log:\n" + logText());
    }
    return line;
  }

  private String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "<" + log + " unreadable: " + e + ">";
    }
  }

  /** Ends the box (end of input, then a kill if it lingers); its devices disappear with it. */
  @Override
  public void close() throws IOException {
    try {
      commands.close();
    } catch (IOException e) {
      // the box is already gone: its pipe is broken, which is what closing wanted
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
