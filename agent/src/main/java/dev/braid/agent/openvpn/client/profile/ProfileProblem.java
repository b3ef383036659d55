package dev.braid.agent.openvpn.client.profile;

/**
 * Something wrong with a profile, where it is and why, in the manner of wireguard-android's
 * configuration errors: a line, the option, a reason class and a sentence.
 *
 * @param line 1-based line number; 0 for the profile as a whole (a missing option)
 * @param option the option (or inline block) concerned
 * @param reason the class of problem
 * @param detail what is wrong and, where it helps, what to do
 * @param severity whether the profile can still be used
 */
public record ProfileProblem(
    int line, String option, Reason reason, String detail, Severity severity) {

  /** Classes of problem. */
  public enum Reason {
    /** A line that does not parse (quotes, backslashes, an unterminated inline block). */
    SYNTAX_ERROR,
    /** An option OpenVPN does not have, or one not listed in {@code ignore-unknown-option}. */
    UNKNOWN_OPTION,
    /** An option Braid does not implement and cannot ignore safely. */
    UNSUPPORTED,
    /** An option that has no effect in Braid (harmless: a warning). */
    IGNORED,
    /** Too few or too many arguments. */
    WRONG_ARGUMENT_COUNT,
    /** An argument with a bad value (a number, a name, key material). */
    INVALID_VALUE,
    /** Something a profile must have is missing. */
    MISSING_OPTION,
    /** A file the profile names could not be read. */
    FILE_NOT_FOUND
  }

  /** Whether the profile can still be used. */
  public enum Severity {
    ERROR,
    WARNING
  }

  @Override
  public String toString() {
    return (line > 0 ? "line " + line + ": " : "")
        + "'"
        + option
        + "': "
        + detail
        + (severity == Severity.WARNING ? " (warning)" : "");
  }
}
