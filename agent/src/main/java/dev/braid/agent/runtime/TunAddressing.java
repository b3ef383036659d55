package dev.braid.agent.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Gives the TUN device its address and MTU and sets it up, with the {@code ip} command from
 * iproute2 (simple, and what an operator would type; a netlink client is not worth its code for
 * three calls at start-up).
 */
final class TunAddressing {
  private TunAddressing() {}

  /**
   * @param namespace run inside this named network namespace ({@code ip -n}), or null
   * @param device the TUN device
   * @param cidrs addresses with prefix, e.g. {@code 10.8.0.1/24} or {@code fd00:8::1/64}
   */
  static void configure(String namespace, String device, List<String> cidrs, int mtu)
      throws IOException {
    for (String cidr : cidrs) {
      if (cidr.contains(":")) {
        // No duplicate detection on a point-to-point TUN: the address must work at once.
        ip(namespace, "addr", "replace", cidr, "dev", device, "nodad");
      } else {
        ip(namespace, "addr", "replace", cidr, "dev", device);
      }
    }
    ip(namespace, "link", "set", "dev", device, "mtu", Integer.toString(mtu), "up");
  }

  private static void ip(String namespace, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip"));
    if (namespace != null) {
      command.addAll(List.of("-n", namespace));
    }
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": no answer within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + ": interrupted", e);
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + output);
    }
  }
}
