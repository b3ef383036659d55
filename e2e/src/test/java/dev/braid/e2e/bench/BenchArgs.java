package dev.braid.e2e.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code key=value} arguments of a benchmark over its defaults; unknown keys are refused. */
final class BenchArgs {
  private BenchArgs() {}

  static Map<String, String> parse(String[] args, Map<String, String> defaults) {
    Map<String, String> opts = new LinkedHashMap<>(defaults);
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2 || !opts.containsKey(kv[0])) {
        throw new IllegalArgumentException("unknown argument " + a + "; known: " + opts.keySet());
      }
      opts.put(kv[0], kv[1]);
    }
    return opts;
  }
}
