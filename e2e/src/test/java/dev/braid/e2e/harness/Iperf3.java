package dev.braid.e2e.harness;

import dev.braid.agent.testing.NetNs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One iperf3 TCP transfer between two namespaces, measured at the receiver: a one-off server whose
 * interval reports are read as it prints them (so each interval is placed on this JVM's monotonic
 * clock, to line up with events such as a blackhole), and a client whose JSON summary gives the
 * receiver's total and the sender's retransmissions.
 *
 * <p>{@code wrapper} prefixes both commands (e.g. {@code mptcpize run}); the client's {@code
 * extraOptions} are added as they are (e.g. {@code -B 10.70.0.2} to pick an uplink).
 */
public final class Iperf3 {
  /**
   * The server's report for one interval, {@code start} and {@code end} in seconds since the
   * transfer began.
   */
  public record Interval(double start, double end, double mbit) {}

  /**
   * A finished transfer.
   *
   * @param mbit the receiver's goodput over the whole transfer
   * @param retransmits the sender's TCP retransmissions (subflows' for MPTCP)
   * @param intervals the receiver's interval reports (all streams summed)
   * @param startNanos the transfer's start on {@link System#nanoTime()}'s clock (from when the
   *     intervals were printed: accurate to a few milliseconds)
   */
  public record Result(
      double mbit,
      long retransmits,
      List<Interval> intervals,
      long startNanos,
      String clientJson) {}

  private static final Pattern LINE =
      Pattern.compile(
          "^\\[\\s*(SUM|\\d+)\\]\\s+([\\d.]+)-([\\d.]+)\\s+sec\\s+[\\d.]+\\s+\\w*Bytes\\s+([\\d.]+)\\s+(\\w*)bits/sec(.*)$");

  private final Process server;
  private final Process client;
  private final List<Interval> intervals = new ArrayList<>();
  private final StringBuilder serverOutput = new StringBuilder();
  private final CompletableFuture<String> clientJson;
  private final Thread serverReader;
  private final int seconds;
  private long startNanos = Long.MAX_VALUE;

  private Iperf3(
      Process server, Process client, int seconds, int flows, BufferedReader serverLines) {
    this.server = server;
    this.seconds = seconds;
    this.client = client;
    this.clientJson = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("iperf3-client")
        .start(
            () -> {
              try {
                clientJson.complete(
                    new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                clientJson.complete("<client output unreadable: " + e + ">");
              }
            });
    this.serverReader =
        Thread.ofPlatform()
            .daemon()
            .name("iperf3-server")
            .start(() -> readServer(serverLines, flows));
  }

  /**
   * Starts a server in {@code serverNs} on {@code address:port} and, once it listens, a client in
   * {@code clientNs} sending to it for {@code seconds} with {@code flows} parallel streams and
   * congestion control {@code cc} (null: the namespace's default). Returns at once; {@link #await}
   * waits for the result.
   */
  public static Iperf3 start(
      NetNs serverNs,
      NetNs clientNs,
      String address,
      int port,
      List<String> wrapper,
      List<String> extraOptions,
      int seconds,
      int flows,
      String cc,
      double intervalSeconds)
      throws IOException {
    List<String> serverArgv = new ArrayList<>(wrapper);
    serverArgv.addAll(
        List.of(
            "iperf3",
            "-s",
            "-1",
            "-B",
            address,
            "-p",
            String.valueOf(port),
            "-f",
            "m",
            "--forceflush",
            "-i",
            String.format(Locale.ROOT, "%.2f", intervalSeconds)));
    Process server =
        new ProcessBuilder(serverNs.command(serverArgv.toArray(String[]::new)))
            .redirectErrorStream(true)
            .start();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line;
    StringBuilder early = new StringBuilder();
    while ((line = lines.readLine()) != null && !line.contains("Server listening")) {
      early.append(line).append('\n');
    }
    if (line == null) {
      throw new IOException("iperf3 server in " + serverNs + " did not start:\n" + early);
    }
    List<String> clientArgv = new ArrayList<>(wrapper);
    clientArgv.addAll(
        List.of(
            "iperf3",
            "-c",
            address,
            "-p",
            String.valueOf(port),
            "-t",
            String.valueOf(seconds),
            "-P",
            String.valueOf(flows),
            "-J"));
    if (cc != null) {
      clientArgv.addAll(List.of("-C", cc));
    }
    clientArgv.addAll(extraOptions);
    Process client;
    try {
      client =
          new ProcessBuilder(clientNs.command(clientArgv.toArray(String[]::new)))
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      server.destroyForcibly();
      throw e;
    }
    return new Iperf3(server, client, seconds, flows, lines);
  }

  private void readServer(BufferedReader lines, int flows) {
    try {
      String line;
      while ((line = lines.readLine()) != null) {
        long now = System.nanoTime();
        synchronized (this) {
          serverOutput.append(line).append('\n');
          Interval interval = parseInterval(line, flows);
          if (interval == null) {
            continue;
          }
          intervals.add(interval);
          // The report is printed right after its interval ends; the smallest lag is the truest.
          startNanos = Math.min(startNanos, now - Math.round(interval.end() * 1e9));
        }
      }
    } catch (IOException e) {
      synchronized (this) {
        serverOutput.append("<server output unreadable: ").append(e).append(">\n");
      }
    }
  }

  /**
   * The interval report on a server output line ({@code -f m}): with several flows only the {@code
   * [SUM]} lines, with one the stream's; null for anything else, the final sender/receiver totals
   * included.
   */
  static Interval parseInterval(String line, int flows) {
    Matcher m = LINE.matcher(line);
    boolean sum = line.startsWith("[SUM]");
    if (!m.matches()
        || sum != flows > 1
        || m.group(6).contains("receiver")
        || m.group(6).contains("sender")) {
      return null;
    }
    double value = Double.parseDouble(m.group(4));
    double mbit =
        switch (m.group(5)) {
          case "" -> value / 1e6;
          case "K" -> value / 1e3;
          case "M" -> value;
          case "G" -> value * 1e3;
          default -> throw new IllegalStateException("unknown unit in " + line);
        };
    return new Interval(Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)), mbit);
  }

  /** Waits for both ends (up to the transfer's length plus 30 s) and parses their reports. */
  public Result await() throws IOException, InterruptedException {
    try {
      if (!client.waitFor(seconds + 30, TimeUnit.SECONDS)) {
        throw new IOException("iperf3 client did not finish; server said:\n" + serverOutput());
      }
      String json = clientJson.join();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        throw new IOException("iperf3 server did not finish; client said:\n" + json);
      }
      serverReader.join(5000);
      Matcher received =
          Pattern.compile("\"sum_received\":\\s*\\{[^}]*?\"bits_per_second\":\\s*([\\d.e+]+)")
              .matcher(json);
      if (client.exitValue() != 0 || !received.find()) {
        throw new IOException(
            "iperf3 failed (exit "
                + client.exitValue()
                + "):\n"
                + json
                + "\nserver:\n"
                + serverOutput());
      }
      Matcher retr =
          Pattern.compile("\"sum_sent\":\\s*\\{[^}]*?\"retransmits\":\\s*(\\d+)").matcher(json);
      synchronized (this) {
        return new Result(
            Double.parseDouble(received.group(1)) / 1e6,
            retr.find() ? Long.parseLong(retr.group(1)) : 0,
            List.copyOf(intervals),
            startNanos,
            json);
      }
    } finally {
      close();
    }
  }

  private synchronized String serverOutput() {
    return serverOutput.toString();
  }

  /** Kills both ends if they still run. */
  public void close() {
    client.destroyForcibly();
    server.destroyForcibly();
  }
}
