package dev.braid.e2e.bench;

import dev.braid.e2e.harness.MultipathTopology;
import dev.braid.e2e.harness.Uplink.Shape;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How the {@link Multipath} benchmark shapes the paths for one scenario (the same shape both ways
 * on each path).
 *
 * @param name the scenario's key in {@code scenarios=}
 * @param shapes one per path, A first
 */
record MultipathScenario(String name, List<Shape> shapes) {

  /** Every scenario, from the benchmark's arguments ({@code mbit}, {@code delay}, ...). */
  static MultipathScenario of(String name, Map<String, String> opts) {
    double mbit = Double.parseDouble(opts.get("mbit"));
    double slow = Double.parseDouble(opts.get("slowMbit"));
    int delay = Integer.parseInt(opts.get("delay"));
    int longDelay = Integer.parseInt(opts.get("longDelay"));
    double loss = Double.parseDouble(opts.get("loss"));
    Shape base = Shape.of(mbit, delay, 0);
    return switch (name) {
      case "equal", "failover" -> new MultipathScenario(name, List.of(base, base));
      case "rate" -> new MultipathScenario(name, List.of(base, Shape.of(slow, delay, 0)));
      case "rtt" -> new MultipathScenario(name, List.of(base, Shape.of(mbit, longDelay, 0)));
      case "loss" -> new MultipathScenario(name, List.of(base, Shape.of(mbit, delay, loss)));
      default ->
          throw new IllegalArgumentException(
              "unknown scenario " + name + "; known: equal, rate, rtt, loss, failover");
    };
  }

  /** Undoes everything on every path, then applies this scenario's shapes. */
  void apply(MultipathTopology topology) throws IOException {
    topology.reset();
    for (int k = 0; k < shapes.size(); k++) {
      topology.uplink(k).shape(shapes.get(k));
    }
  }

  /** The sum of the paths' rates in Mbit/s. */
  double totalMbit() {
    return shapes.stream().mapToDouble(Shape::mbit).sum();
  }

  @Override
  public String toString() {
    return name
        + ": "
        + java.util.stream.IntStream.range(0, shapes.size())
            .mapToObj(k -> (char) ('A' + k) + " " + shapes.get(k))
            .collect(Collectors.joining("; "));
  }
}
