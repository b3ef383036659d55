package dev.braid.agent.openvpn.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces joined by a veth pair: {@code server} at 10.77.{n}.1/24, {@code client} at
 * 10.77.{n}.2/24. Names carry the {@code braid-} prefix and a per-run suffix; {@link #close()}
 * deletes them.
 */
final class Netns implements AutoCloseable {
  final String server;
  final String client;
  final String serverIp;
  final String clientIp;

  Netns(String tag) throws IOException, InterruptedException {
    int n = (int) (ProcessHandle.current().pid() % 200) + 20;
    String suffix = tag + Long.toString(System.nanoTime() % 100000, 36);
    this.server = "braid-s-" + suffix;
    this.client = "braid-c-" + suffix;
    this.serverIp = "10.77." + n + ".1";
    this.clientIp = "10.77." + n + ".2";
    String vs = "bvs" + suffix;
    String vc = "bvc" + suffix;
    run("ip", "netns", "add", server);
    run("ip", "netns", "add", client);
    run(
        "ip", "link", "add", vs, "netns", server, "type", "veth", "peer", "name", vc, "netns",
        client);
    run("ip", "-n", server, "addr", "add", serverIp + "/24", "dev", vs);
    run("ip", "-n", client, "addr", "add", clientIp + "/24", "dev", vc);
    for (String[] up :
        new String[][] {{server, vs}, {client, vc}, {server, "lo"}, {client, "lo"}}) {
      run("ip", "-n", up[0], "link", "set", up[1], "up");
    }
  }

  /** Runs a command, failing loudly with its output if it exits non-zero. */
  static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  /** Runs a command whose failure is an expected outcome; returns its exit code. */
  static int exitCode(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " did not finish in 60 s");
    }
    return p.exitValue();
  }

  static List<String> in(String ns, String... cmd) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(cmd));
    return full;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    IOException first = null;
    for (String ns : new String[] {server, client}) {
      try {
        run("ip", "netns", "del", ns);
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
