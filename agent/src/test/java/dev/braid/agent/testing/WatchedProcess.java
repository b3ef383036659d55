package dev.braid.agent.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process whose output lines are collected (and copied to a log file) for waiting on
 * patterns.
 */
public final class WatchedProcess implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Path log;
  private final Thread reader;

  public WatchedProcess(List<String> command, Path log) throws IOException {
    this.log = log;
    this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
    reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                      Files.writeString(
                          log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                      synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                      }
                    }
                  } catch (IOException e) {
                    synchronized (lines) {
                      lines.add("[reader failed: " + e + "]");
                    }
                  }
                });
    reader.setName("watch-" + log.getFileName());
  }

  /** Waits until a line matches; returns it, or null after the timeout or if the process ended. */
  public String await(Predicate<String> match, long timeoutMillis) throws InterruptedException {
    return awaitFrom(0, match, timeoutMillis);
  }

  /** Lines so far; pass to {@link #awaitFrom} to wait only for lines printed after now. */
  public int lineCount() {
    synchronized (lines) {
      return lines.size();
    }
  }

  /** Like {@link #await}, looking only at lines from index {@code from} on. */
  public String awaitFrom(int from, Predicate<String> match, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    int seen = from;
    synchronized (lines) {
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (match.test(lines.get(seen))) {
            return lines.get(seen);
          }
        }
        long left = deadline - System.currentTimeMillis();
        // the reader ends at end of output, after the process: no line is lost to that race
        if (left <= 0 || (!reader.isAlive() && seen == lines.size())) {
          return null;
        }
        lines.wait(Math.min(left, 200));
      }
    }
  }

  public String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The process's pid, for CPU-time accounting. */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
