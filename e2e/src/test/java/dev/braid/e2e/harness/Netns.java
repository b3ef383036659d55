package dev.braid.e2e.harness;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** A network namespace named {@code braid-<role>-<random>}, deleted on {@link #close()}. */
public final class Netns implements AutoCloseable {
  private final String name;

  private Netns(String name) {
    this.name = name;
  }

  /** Creates a namespace with its loopback up. */
  public static Netns create(String role) {
    String name =
        "braid-"
            + role
            + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    Command.run("ip", "netns", "add", name);
    Netns ns = new Netns(name);
    ns.exec("ip", "link", "set", "lo", "up");
    return ns;
  }

  /** The namespace's name, for {@code ip netns exec}. */
  public String name() {
    return name;
  }

  /**
   * Joins {@code a} and {@code b} with a veth pair, each end named {@code ifName} in its namespace,
   * and gives the ends the addresses (CIDR notation, IPv4 and/or IPv6) listed for them.
   */
  public static void link(
      Netns a, List<String> aAddrs, Netns b, List<String> bAddrs, String ifName) {
    String tmpA =
        "bv" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
    String tmpB = tmpA + "p";
    Command.run(
        "ip", "link", "add", tmpA, "netns", a.name, "type", "veth", "peer", tmpB, "netns", b.name);
    a.configure(tmpA, ifName, aAddrs);
    b.configure(tmpB, ifName, bAddrs);
  }

  private void configure(String tmp, String ifName, List<String> addrs) {
    exec("ip", "link", "set", tmp, "name", ifName);
    for (String addr : addrs) {
      List<String> argv = new ArrayList<>(List.of("ip", "addr", "add", addr, "dev", ifName));
      if (addr.contains(":")) {
        argv.add("nodad"); // no duplicate-address detection: the address is usable at once
      }
      exec(argv);
    }
    exec("ip", "link", "set", ifName, "up");
  }

  /** Runs a command inside the namespace and returns its output. */
  public String exec(String... argv) {
    return exec(List.of(argv));
  }

  /** Runs a command inside the namespace and returns its output. */
  public String exec(List<String> argv) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(argv);
    return Command.run(full);
  }

  /** Starts a long-running command inside the namespace with stdout and stderr merged. */
  public Process start(List<String> argv) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(argv);
    return new ProcessBuilder(full).redirectErrorStream(true).start();
  }

  @Override
  public void close() {
    Command.run("ip", "netns", "del", name);
  }
}
