package dev.braid.operator.pki;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StaticKeyFileTest {
  @Test
  void generatedKeyHasTheOpenVpnV1Layout() {
    String key = StaticKeyFile.generate();
    var lines = key.lines().toList();

    assertThat(lines.getFirst()).isEqualTo("-----BEGIN OpenVPN Static key V1-----");
    assertThat(lines.getLast()).isEqualTo("-----END OpenVPN Static key V1-----");
    assertThat(lines.subList(1, lines.size() - 1))
        .hasSize(16)
        .allMatch(l -> l.matches("[0-9a-f]{32}"));
    assertThat(StaticKeyFile.isValid(key)).isTrue();
    assertThat(StaticKeyFile.generate()).isNotEqualTo(key);
  }

  @Test
  void truncatedKeyIsInvalid() {
    String key = StaticKeyFile.generate();
    String truncated = key.replaceFirst("\\n[0-9a-f]{32}\\n", "\n");
    assertThat(StaticKeyFile.isValid(truncated)).isFalse();
    assertThat(StaticKeyFile.isValid(null)).isFalse();
  }
}
