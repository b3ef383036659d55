package dev.braid.e2e.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Rootful {@code podman} with a private image store, so that a test neither sees nor leaves images
 * in the machine's store. Containers run under {@code runc}: {@code crun} refuses hosts with a
 * hybrid cgroup hierarchy, {@code runc} runs on every layout.
 */
final class Podman implements AutoCloseable {
  private static final Pattern LOADED = Pattern.compile("Loaded image(?:\\(s\\))?: (\\S+)");

  /** Open files and processes per container; plenty for the agent and the operator. */
  private static final long LIMIT = 16384;

  private final Path store;

  Podman(Path store) {
    this.store = store;
  }

  /** {@code podman load -i archive}; returns the image name the archive carries. */
  String load(Path archive) throws IOException {
    String out = run(Duration.ofMinutes(5), "load", "-i", archive.toString());
    Matcher m = LOADED.matcher(out);
    if (!m.find()) {
      throw new IOException("podman load of " + archive + " named no image: " + out);
    }
    return m.group(1);
  }

  /**
   * {@code podman run --detach} with resource limits every host allows: podman's defaults (1048576
   * open files, 4194304 processes) exceed what some hosts let runc set (this one refuses anything
   * above 32768 processes, below the shell's own hard limit), and the container then fails.
   */
  String runDetached(String name, List<String> options, String image, String... args)
      throws IOException {
    List<String> argv = new ArrayList<>(List.of("run", "--detach", "--name", name));
    argv.addAll(limits());
    argv.addAll(options);
    argv.add(image);
    argv.addAll(List.of(args));
    return run(Duration.ofMinutes(2), argv.toArray(String[]::new)).strip();
  }

  /** Output of {@code podman logs NAME} (stdout and stderr). */
  String logs(String name) throws IOException {
    return run(Duration.ofSeconds(30), "logs", name);
  }

  /** {@code podman inspect --format FORMAT NAME}. */
  String inspect(String name, String format) throws IOException {
    return run(Duration.ofSeconds(30), "inspect", "--format", format, name).strip();
  }

  /** Stops NAME (SIGTERM, then SIGKILL after {@code grace}) and returns its exit code. */
  int stop(String name, Duration grace) throws IOException {
    run(grace.plusSeconds(30), "stop", "--time", Long.toString(grace.toSeconds()), name);
    return Integer.parseInt(inspect(name, "{{.State.ExitCode}}"));
  }

  /** Removes NAME whatever its state; for cleanup. */
  void remove(String name) throws IOException {
    run(Duration.ofMinutes(1), "rm", "--force", "--ignore", name);
  }

  /** Runs {@code podman ARGS} against the private store; fails on a non-zero exit. */
  String run(Duration timeout, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "podman",
                "--root",
                store.resolve("root").toString(),
                "--runroot",
                store.resolve("run").toString(),
                "--storage-driver",
                "overlay",
                "--runtime",
                "runc"));
    command.addAll(List.of(args));
    Path output = Files.createTempFile("braid-podman", ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            "timed out after " + timeout + ": " + String.join(" ", command) + "\n" + read(output));
      }
      String out = read(output);
      if (p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command) + " exited with " + p.exitValue() + ": " + out.strip());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** Removes every container and image, then the store itself. */
  @Override
  public void close() throws IOException {
    try {
      run(Duration.ofMinutes(2), "rm", "--all", "--force");
      run(Duration.ofMinutes(2), "rmi", "--all", "--force");
    } finally {
      deleteTree(store);
    }
  }

  /** Deletes a folder and everything in it, if it exists. */
  static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /**
   * {@code --ulimit} options for open files and processes: {@link #LIMIT}, or this process's hard
   * limit where that is lower.
   */
  private static List<String> limits() throws IOException {
    List<String> options = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      String type =
          line.startsWith("Max open files")
              ? "nofile"
              : line.startsWith("Max processes") ? "nproc" : null;
      if (type == null) {
        continue;
      }
      // "Max open files            1024                 20000                files"
      String hard = line.substring(line.indexOf("  ")).trim().split("\\s+")[1];
      long limit = hard.equals("unlimited") ? LIMIT : Math.min(LIMIT, Long.parseLong(hard));
      options.add("--ulimit");
      options.add(type + "=" + limit + ":" + limit);
    }
    return options;
  }
}
