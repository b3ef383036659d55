package dev.braid.e2e.bench;

import java.util.List;

/** Nearest-rank percentiles of a sample. */
final class Percentiles {
  private Percentiles() {}

  /**
   * The {@code p}-th percentile (0 < p <= 100) of {@code sorted}, which must be sorted ascending.
   */
  static double of(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
