package dev.braid.operator.model;

/**
 * A spec that the CRD accepts but the operator cannot run.
 *
 * @param field spec path, such as {@code spec.network.ipv4}
 * @param reason condition and Event reason, such as {@code PoolOverlap}
 * @param message what is wrong and how to fix it
 */
public record SpecProblem(String field, String reason, String message) {
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
