package dev.braid.agent.openvpn.client.profile;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one OpenVPN option line into its words the way OpenVPN does: words are separated by white
 * space; {@code "double"} and {@code 'single'} quotes group words; outside single quotes a
 * backslash escapes a backslash, a double quote or a space; a {@code #} or {@code ;} where a word
 * would start begins a comment. Pushed options use the same syntax.
 */
public final class OptionTokenizer {
  private OptionTokenizer() {}

  /**
   * The words of {@code line}; empty for a blank or comment line.
   *
   * @throws IllegalArgumentException saying what is wrong (an unclosed quote, a backslash before
   *     another character)
   */
  public static List<String> tokenize(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0; // 0 outside quotes, '"' or '\'' inside
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && quote != '\'') {
        if (i + 1 == line.length()) {
          throw new IllegalArgumentException("line ends with a backslash");
        }
        char next = line.charAt(++i);
        if (next != '\\' && next != '"' && !Character.isWhitespace(next)) {
          throw new IllegalArgumentException(
              "bad backslash before '" + next + "': only \\\\, \\\" and '\\ ' are escapes");
        }
        if (word == null) {
          word = new StringBuilder();
        }
        word.append(next);
        continue;
      }
      if (quote != 0) {
        if (c == quote) {
          words.add(word.toString());
          word = null;
          quote = 0;
        } else {
          word.append(c);
        }
        continue;
      }
      if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        continue;
      }
      if (word == null) {
        if (c == '#' || c == ';') {
          break; // comment
        }
        if (c == '"' || c == '\'') {
          quote = c;
          word = new StringBuilder();
          continue;
        }
        word = new StringBuilder();
      }
      word.append(c);
    }
    if (quote != 0) {
      throw new IllegalArgumentException("no closing quotation (" + quote + ")");
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
