package dev.braid.agent.testing;

import java.io.IOException;

/**
 * Checks what an integration test needs before it starts, so that a missing program or privilege
 * fails the test with a message saying what to install, instead of a confusing error later or a
 * silent skip.
 */
public final class Prerequisites {
  private Prerequisites() {}

  /** Fails unless this process runs as root and every named program is on the PATH. */
  public static void require(String... programs) {
    String user = System.getProperty("user.name");
    if (!"root".equals(user)) {
      throw new IllegalStateException(
          "this test needs root (network namespaces, TUN, nftables); running as " + user);
    }
    for (String program : programs) {
      try {
        NetNs.host("sh", "-c", "command -v " + program);
      } catch (IOException e) {
        throw new IllegalStateException(
            program + " is not installed; .ci/run installs every test prerequisite", e);
      }
    }
  }
}
