package dev.braid.agent.openvpn.client.profile;

import java.util.List;

/**
 * One option of a profile: its words and, for an inline block ({@code <ca>...</ca>}), the block's
 * text.
 *
 * @param line 1-based line number of the option (of the opening tag for a block)
 * @param words the option name and its arguments; for a block, just the tag name
 * @param inline the block's text, or null for an ordinary option line
 */
record ProfileLine(int line, List<String> words, String inline) {
  ProfileLine {
    words = List.copyOf(words);
  }

  String name() {
    return words.getFirst();
  }

  /** Arguments after the option name. */
  int argumentCount() {
    return words.size() - 1;
  }

  String argument(int i) {
    return words.get(i);
  }

  boolean isInline() {
    return inline != null;
  }
}
