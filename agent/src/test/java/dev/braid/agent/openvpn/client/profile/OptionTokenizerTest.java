package dev.braid.agent.openvpn.client.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionTokenizerTest {
  @Test
  void splitsOnWhiteSpaceAndDropsComments() {
    assertThat(OptionTokenizer.tokenize("  remote  vpn.example.com\t1194 udp # the hub"))
        .containsExactly("remote", "vpn.example.com", "1194", "udp");
    assertThat(OptionTokenizer.tokenize("# all comment")).isEmpty();
    assertThat(OptionTokenizer.tokenize("; also a comment")).isEmpty();
    assertThat(OptionTokenizer.tokenize("   ")).isEmpty();
  }

  @Test
  void quotesGroupWordsAndCommentCharactersInsideWordsAreKept() {
    assertThat(OptionTokenizer.tokenize("verify-x509-name \"CN=hub one\" subject"))
        .containsExactly("verify-x509-name", "CN=hub one", "subject");
    assertThat(OptionTokenizer.tokenize("x 'single \\ quoted' a#b"))
        .containsExactly("x", "single \\ quoted", "a#b");
    assertThat(OptionTokenizer.tokenize("x \"\"")).containsExactly("x", "");
  }

  @Test
  void backslashEscapesBackslashQuoteAndSpaceOnly() {
    assertThat(OptionTokenizer.tokenize("ca c:\\\\keys\\ dir\\\\ca.crt"))
        .containsExactly("ca", "c:\\keys dir\\ca.crt");
    assertThat(OptionTokenizer.tokenize("x \"say \\\"hi\\\"\"")).containsExactly("x", "say \"hi\"");
    assertThatThrownBy(() -> OptionTokenizer.tokenize("ca c:\\keys"))
        .hasMessageContaining("bad backslash before 'k'");
  }

  @Test
  void unclosedQuotesAreErrors() {
    assertThatThrownBy(() -> OptionTokenizer.tokenize("x \"open"))
        .hasMessage("no closing quotation (\")");
    assertThatThrownBy(() -> OptionTokenizer.tokenize("x 'open"))
        .hasMessage("no closing quotation (')");
  }
}
