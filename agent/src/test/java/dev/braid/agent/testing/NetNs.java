package dev.braid.agent.testing;

import dev.braid.agent.nativeio.NetworkNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace for tests, driven through {@code ip}: created with a unique {@code braid-}
 * name and loopback up, deleted on {@link #close()} (which also removes its interfaces). Needs
 * root; fails loudly when {@code ip} or the privilege is missing.
 */
public final class NetNs implements AutoCloseable {
  private final String name;

  private NetNs(String name) {
    this.name = name;
  }

  /** Creates {@code braid-<purpose>-<random>}. */
  public static NetNs create(String purpose) throws IOException {
    String name =
        "braid-"
            + purpose
            + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    host("ip", "netns", "add", name);
    NetNs ns = new NetNs(name);
    try {
      ns.ip("link", "set", "lo", "up");
      // Addresses must be usable at once: no duplicate address detection delay in tests.
      ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0");
      ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0");
    } catch (IOException | RuntimeException e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  /** A unique interface name (at most 15 bytes) starting with {@code prefix}. */
  public static String interfaceName(String prefix) {
    return prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
  }

  public String name() {
    return name;
  }

  /** Runs {@code ip -n NAME args...}. */
  public String ip(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
    cmd.addAll(List.of(args));
    return host(cmd.toArray(String[]::new));
  }

  /** {@code ip netns exec NAME args...}, for a long-running process started with {@link #start}. */
  public List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * Starts a long-running process inside the namespace; its output goes to {@code log} and can be
   * awaited. Close it (it is killed) before closing the namespace.
   */
  public WatchedProcess start(java.nio.file.Path log, String... args) throws IOException {
    return new WatchedProcess(command(args), log);
  }

  /** Runs a command inside the namespace ({@code ip netns exec}). */
  public String exec(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
    cmd.addAll(List.of(args));
    return host(cmd.toArray(String[]::new));
  }

  /** Starts a long-running command inside the namespace, stdout and stderr merged. */
  public Process start(List<String> argv) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
    cmd.addAll(argv);
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  /** Adds addresses (CIDR notation, IPv4 or IPv6) to interface {@code dev}. */
  public void addresses(String dev, String... cidrs) throws IOException {
    for (String cidr : cidrs) {
      ip("addr", "add", cidr, "dev", dev);
    }
  }

  /** Runs {@code action} on this thread inside the namespace (sockets it opens stay there). */
  public <T> T call(Callable<T> action) throws Exception {
    return NetworkNamespace.call(name, action);
  }

  /**
   * Connects this namespace to {@code other} with a veth pair; returns nothing, the ends are named
   * {@code here} and {@code there} and are up.
   */
  public void veth(String here, NetNs other, String there) throws IOException {
    ip("link", "add", here, "type", "veth", "peer", "name", there, "netns", other.name);
    ip("link", "set", here, "up");
    other.ip("link", "set", there, "up");
  }

  /**
   * Makes {@code dev} cut UDP GSO sends into datagrams as it transmits, as a NIC without UDP
   * segmentation offload does. A veth otherwise hands the unsegmented message to the peer
   * namespace, whose firewall rules (loss injection) would then see, and drop, a whole burst as one
   * packet, and whose receive work would be cheaper than a real client's. Needs {@code ethtool}.
   */
  public void segmentUdpOnTransmit(String dev) throws IOException {
    exec("ethtool", "-K", dev, "tx-udp-segmentation", "off");
  }

  /** Runs a host command; throws with its output when it fails or hangs. */
  public static String host(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      // Read before waiting: a command that fills the pipe would otherwise never exit.
      String[] captured = new String[1];
      Thread output =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      captured[0] =
                          new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                      captured[0] = "<output unreadable: " + e + ">";
                    }
                  });
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + String.join(" ", cmd));
      }
      output.join();
      String out = captured[0];
      if (p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + out.strip());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
  }

  /** Deletes the namespace and everything in it. */
  @Override
  public void close() throws IOException {
    host("ip", "netns", "delete", name);
  }

  @Override
  public String toString() {
    return name;
  }
}
