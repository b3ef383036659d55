package dev.braid.e2e.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands and fails with their output when they fail. */
public final class Command {
  private Command() {}

  /**
   * Runs {@code argv} to completion and returns its combined output; throws if it exits non-zero.
   */
  public static String run(List<String> argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", argv) + ": timed out after 60 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", argv) + ": exit " + p.exitValue() + ": " + out.strip());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(
          String.join(" ", argv) + ": cannot start (" + e.getMessage() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(String.join(" ", argv) + ": interrupted", e);
    }
  }

  /** Runs a command given as separate words. */
  public static String run(String... argv) {
    return run(List.of(argv));
  }

  /**
   * Fails unless this process is root and each named program is on the PATH: the tests that call
   * this need them and must not pass or skip silently without them.
   */
  public static void require(String... programs) {
    String user = System.getProperty("user.name");
    if (!"root".equals(user)) {
      throw new IllegalStateException(
          "this test needs root (network namespaces, TUN, nftables); running as " + user);
    }
    for (String program : programs) {
      try {
        Process p = new ProcessBuilder("sh", "-c", "command -v " + program).start();
        if (p.waitFor() != 0) {
          throw new IllegalStateException(
              program + " is not installed; .ci/run installs every test prerequisite");
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot look up " + program, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }
}
