package dev.braid.e2e.harness;

import dev.braid.agent.testing.NetNs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ping} from a namespace, every reply's RTT kept (percentiles need them all). Unanswered
 * pings are a result, not an error: a blackholed path answers nothing.
 */
public final class Ping {
  private static final Pattern REPLY = Pattern.compile("icmp_seq=\\d+ ttl=\\d+ time=([\\d.]+) ms");

  /** What came back: RTTs in milliseconds, in arrival order. */
  public record Result(int sent, List<Double> rttMillis) {
    public int received() {
      return rttMillis.size();
    }

    public double min() {
      return rttMillis.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public double median() {
      List<Double> sorted = rttMillis.stream().sorted().toList();
      return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }
  }

  private Ping() {}

  /**
   * Sends {@code count} pings {@code interval} apart from {@code ns} to {@code target}, from {@code
   * source} (an address: it picks the site's uplink) or the default route when null; each reply is
   * waited for up to 1 s.
   */
  public static Result run(NetNs ns, String source, String target, int count, Duration interval)
      throws IOException {
    List<String> argv = new ArrayList<>(List.of("ping", "-n", "-c", String.valueOf(count)));
    argv.addAll(
        List.of("-i", String.format(Locale.ROOT, "%.3f", interval.toNanos() / 1e9), "-W", "1"));
    if (source != null) {
      argv.addAll(List.of("-I", source));
    }
    argv.add(target);
    Process p =
        new ProcessBuilder(ns.command(argv.toArray(String[]::new)))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("ping did not end: " + argv);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + argv, e);
    }
    // exit 1: some or all unanswered (a result); 2 or more: ping itself failed
    if (p.exitValue() > 1) {
      throw new IOException(argv + " in " + ns + " exited with " + p.exitValue() + ":\n" + out);
    }
    List<Double> rtts = new ArrayList<>();
    Matcher m = REPLY.matcher(out);
    while (m.find()) {
      rtts.add(Double.parseDouble(m.group(1)));
    }
    return new Result(count, rtts);
  }
}
