package dev.braid.agent.openvpn.client.profile;

import java.util.List;
import java.util.stream.Collectors;

/** A profile that cannot be used; {@link #problems()} lists every error (and warning) found. */
public final class ProfileException extends Exception {
  private final List<ProfileProblem> problems;

  public ProfileException(List<ProfileProblem> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, errors and warnings, in line order. */
  public List<ProfileProblem> problems() {
    return problems;
  }

  /** The errors only. */
  public List<ProfileProblem> errors() {
    return problems.stream().filter(p -> p.severity() == ProfileProblem.Severity.ERROR).toList();
  }

  private static String message(List<ProfileProblem> problems) {
    List<ProfileProblem> errors =
        problems.stream().filter(p -> p.severity() == ProfileProblem.Severity.ERROR).toList();
    return "client profile has "
        + errors.size()
        + (errors.size() == 1 ? " error: " : " errors: ")
        + errors.stream().map(ProfileProblem::toString).collect(Collectors.joining("; "));
  }
}
