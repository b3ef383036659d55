package dev.braid.agent.openvpn.client.profile;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits profile text into {@link ProfileLine}s as OpenVPN reads a config file: a UTF-8 byte order
 * mark is skipped, each line is tokenized ({@link OptionTokenizer}), a leading {@code --} on the
 * option name is dropped, and a line that is only {@code <tag>} opens an inline block that runs to
 * the line starting with {@code </tag>}.
 */
final class ProfileReader {
  private final List<ProfileLine> lines = new ArrayList<>();
  private final List<ProfileProblem> problems = new ArrayList<>();

  private ProfileReader() {}

  /**
   * Reads {@code text}; syntax problems go to {@link #problems()}, good lines to {@link #lines()}.
   */
  static ProfileReader read(String text) {
    ProfileReader r = new ProfileReader();
    r.split(text.startsWith("\uFEFF") ? text.substring(1) : text);
    return r;
  }

  List<ProfileLine> lines() {
    return lines;
  }

  List<ProfileProblem> problems() {
    return problems;
  }

  private void split(String text) {
    String[] raw = text.split("\r?\n", -1);
    for (int i = 0; i < raw.length; i++) {
      int number = i + 1;
      List<String> words;
      try {
        words = new ArrayList<>(OptionTokenizer.tokenize(raw[i]));
      } catch (IllegalArgumentException e) {
        problems.add(error(number, raw[i].strip().split("\\s+")[0], e.getMessage()));
        continue;
      }
      if (words.isEmpty()) {
        continue;
      }
      String first = words.getFirst();
      if (first.startsWith("--")) {
        words.set(0, first.substring(2));
        first = words.getFirst();
      }
      if (words.size() == 1 && first.length() > 2 && first.startsWith("<") && first.endsWith(">")) {
        String tag = first.substring(1, first.length() - 1);
        if (tag.startsWith("/")) {
          problems.add(
              error(number, tag.substring(1), "closing tag " + first + " without opening"));
          continue;
        }
        String close = "</" + tag + ">";
        StringBuilder body = new StringBuilder();
        int j = i + 1;
        while (j < raw.length && !raw[j].stripLeading().startsWith(close)) {
          body.append(raw[j]).append('\n');
          j++;
        }
        if (j == raw.length) {
          problems.add(error(number, tag, "inline block <" + tag + "> has no " + close));
          return;
        }
        lines.add(new ProfileLine(number, List.of(tag), body.toString()));
        i = j;
        continue;
      }
      lines.add(new ProfileLine(number, words, null));
    }
  }

  private static ProfileProblem error(int line, String option, String detail) {
    return new ProfileProblem(
        line, option, ProfileProblem.Reason.SYNTAX_ERROR, detail, ProfileProblem.Severity.ERROR);
  }
}
