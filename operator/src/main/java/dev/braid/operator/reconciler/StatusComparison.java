package dev.braid.operator.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Compares status objects by their JSON form; the generated status classes have no equals. */
final class StatusComparison {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusComparison() {}

  /** True when both serialize to the same JSON tree. */
  static boolean same(Object before, Object after) {
    if (before == null || after == null) {
      return before == after;
    }
    return JSON.valueToTree(before).equals(JSON.valueToTree(after));
  }
}
