package dev.braid.api.config;

import java.util.List;

/** A config document that cannot be used; carries every problem found, each with its path. */
public class InvalidConfigException extends Exception {
  private final transient List<ConfigProblem> problems;

  /** Creates the exception from the document's source name and its problems. */
  public InvalidConfigException(String source, List<ConfigProblem> problems) {
    super(
        "invalid agent config "
            + source
            + ": "
            + String.join("; ", problems.stream().map(ConfigProblem::toString).toList()));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in document order. */
  public List<ConfigProblem> problems() {
    return problems;
  }
}
