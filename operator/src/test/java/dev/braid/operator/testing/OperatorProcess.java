package dev.braid.operator.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged operator ({@code target/braid-operator.jar}) as its own JVM, as a Deployment runs
 * it: JSON logs (the Deployment's logback config) to a file, settings from the environment, the API
 * server from {@code KUBECONFIG}.
 */
public final class OperatorProcess implements AutoCloseable {
  private static final Path JAR = Path.of("target", "braid-operator.jar");
  private static final Pattern PORT = Pattern.compile("http=:(\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger STARTS = new AtomicInteger();

  private final String identity;
  private final Process process;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();
  private int port;

  private OperatorProcess(String identity, Process process, Path log) {
    this.identity = identity;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts the jar with {@code HOSTNAME=identity} (its Lease identity, as the pod name would be), a
   * free HTTP port, and the given extra environment.
   */
  public static OperatorProcess start(String identity, Path kubeconfig, Map<String, String> env)
      throws IOException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the package phase");
    }
    Path log =
        Files.createDirectories(Path.of("target", "operator-processes"))
            .resolve(identity + "-" + STARTS.incrementAndGet() + ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Dlogback.configurationFile=logback-json.xml");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-jar");
    command.add(JAR.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("HOSTNAME", identity);
    builder.environment().put("BRAID_HTTP_PORT", "0");
    builder.environment().putAll(env);
    return new OperatorProcess(identity, builder.start(), log);
  }

  /** The Lease identity. */
  public String identity() {
    return identity;
  }

  /** Waits for the "started" line and returns the HTTP port it names. */
  public int awaitStarted(Duration timeout) {
    await()
        .atMost(timeout)
        .failFast(
            "operator " + identity + " exited: " + tail(), () -> !process.isAlive() && port == 0)
        .until(
            () -> {
              for (JsonNode line : logLines()) {
                Matcher m = PORT.matcher(line.path("formattedMessage").asText());
                if (m.find()) {
                  port = Integer.parseInt(m.group(1));
                  return true;
                }
              }
              return false;
            });
    return port;
  }

  /** GET on the health/metrics port: status code and body. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The log so far, one JSON object per line (other lines, e.g. JVM warnings, skipped). */
  public List<JsonNode> logLines() {
    List<JsonNode> lines = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(log)) {
        if (line.startsWith("{")) {
          lines.add(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + log, e);
    }
    return lines;
  }

  /** SIGTERM, as the kubelet sends; waits for the exit and returns its code. */
  public int terminate(Duration timeout) throws InterruptedException {
    sigterm();
    return awaitExit(timeout)
        .orElseThrow(
            () ->
                new AssertionError(
                    "operator "
                        + identity
                        + " still running "
                        + timeout
                        + " after SIGTERM: "
                        + tail()));
  }

  /** Sends SIGTERM and returns at once. */
  public void sigterm() {
    process.destroy();
  }

  /** The exit code, or empty if the process still runs after the timeout. */
  public Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? Optional.of(process.exitValue())
        : Optional.empty();
  }

  /** SIGKILL: a crash or a lost node; the Lease is left to expire. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** The last lines of the log, for failure messages. */
  public String tail() {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
