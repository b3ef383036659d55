package dev.braid.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.api.v1alpha1.DataCipher;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentConfigParserTest {
  private static final String VALID =
      """
      gateway: {name: edge, namespace: vpn}
      listen: {port: 1194, transports: [UDP, TCP]}
      pools: {ipv4: 10.8.0.0/24, ipv6: "fd00:8::/64"}
      routes: [10.96.0.0/12]
      dns: {servers: [10.96.0.10]}
      tls:
        caFile: /etc/braid/tls/ca.crt
        certFile: /etc/braid/tls/tls.crt
        keyFile: /etc/braid/tls/tls.key
        controlChannelKeyFile: /etc/braid/tls/tls-crypt.key
      ciphers: [AES-256-GCM, CHACHA20-POLY1305]
      keepalive: {intervalSeconds: 10, timeoutSeconds: 60}
      """;

  @Test
  void parsesAValidDocumentAndRendersItBackUnchanged() throws Exception {
    AgentConfig config = AgentConfigParser.parse(VALID, "test");

    assertThat(config.listen().port()).isEqualTo(1194);
    assertThat(config.ciphers())
        .containsExactly(DataCipher.AES_256_GCM, DataCipher.CHACHA20_POLY1305);
    assertThat(config.control().httpPort()).isEqualTo(9464);
    String rendered = AgentConfigParser.render(config);
    assertThat(AgentConfigParser.render(AgentConfigParser.parse(rendered, "again")))
        .isEqualTo(rendered);
  }

  @Test
  void multipathProbeIntervalAndReorderBoundAreParsedAndRangeChecked() throws Exception {
    AgentConfig ok =
        AgentConfigParser.parse(
            VALID
                + "multipath: {scheduler: redundant, probeIntervalMillis: 600,"
                + " reorder: {enabled: false, maxHoldMillis: 2000}}\n",
            "f");
    assertThat(ok.multipath().probeIntervalMillis).isEqualTo(600);
    assertThat(ok.multipath().reorder.enabled).isFalse();
    assertThat(ok.multipath().reorder.maxHoldMillis).isEqualTo(2000);

    String bad = VALID + "multipath: {probeIntervalMillis: 5, reorder: {maxHoldMillis: 0}}\n";
    assertThatThrownBy(() -> AgentConfigParser.parse(bad, "f"))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(ConfigProblem::path)
                    .containsExactlyInAnyOrder(
                        "multipath.probeIntervalMillis", "multipath.reorder.maxHoldMillis"));
  }

  @Test
  void unknownFieldIsReportedWithItsPath() {
    assertThatThrownBy(() -> AgentConfigParser.parse(VALID + "tls2: {}\n", "cm/edge"))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e -> assertThat(e.problems()).extracting(ConfigProblem::path).containsExactly("tls2"))
        .hasMessageContaining("cm/edge");
  }

  @Test
  void wrongTypeDeepInsideIsReportedWithItsPath() {
    String text = VALID.replace("port: 1194", "port: many");
    assertThatThrownBy(() -> AgentConfigParser.parse(text, "f"))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(ConfigProblem::path)
                    .containsExactly("listen.port"));
  }

  @Test
  void everySemanticProblemIsCollectedWithItsPath() {
    String text =
        VALID
            .replace("10.96.0.0/12", "10.8.0.128/25")
            .replace("10.96.0.10", "not-an-ip")
            .replace("timeoutSeconds: 60", "timeoutSeconds: 15")
            .replace("controlChannelKeyFile: /etc/braid/tls/tls-crypt.key", "crlFile: /x");
    assertThatThrownBy(() -> AgentConfigParser.parse(text, "f"))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(ConfigProblem::path)
                    .containsExactly(
                        "routes[0]",
                        "dns.servers[0]",
                        "tls.controlChannelKeyFile",
                        "keepalive.timeoutSeconds"));
  }

  @Test
  void poolWithHostBitsIsRefused() {
    List<ConfigProblem> problems = assertProblems(VALID.replace("10.8.0.0/24", "10.8.0.1/24"));
    assertThat(problems.getFirst().message()).contains("host bits set");
  }

  @Test
  void standaloneAgentMayRenegotiateEveryFewSecondsButNotConstantly() throws Exception {
    assertThat(AgentConfigParser.parse(VALID + "renegotiateSeconds: 6\n", "f").renegotiateSeconds())
        .isEqualTo(6);
    assertThat(AgentConfigParser.parse(VALID + "renegotiateSeconds: 0\n", "f").renegotiateSeconds())
        .isZero();
    assertThat(assertProblems(VALID + "renegotiateSeconds: 4\n"))
        .singleElement()
        .satisfies(p -> assertThat(p.path()).isEqualTo("renegotiateSeconds"));
  }

  @Test
  void fixedAddressesMustBeDistinctClientAddressesOfTheIpv4Pool() throws Exception {
    String ok =
        VALID.replace(
            "pools: {ipv4: 10.8.0.0/24, ipv6: \"fd00:8::/64\"}",
            "pools: {ipv4: 10.8.0.0/24, ipv6: \"fd00:8::/64\", fixedAddresses: {carol: 10.8.0.50}}");
    assertThat(AgentConfigParser.parse(ok, "f").pools().fixedAddresses())
        .containsEntry("carol", "10.8.0.50");
    String bad =
        ok.replace(
            "{carol: 10.8.0.50}",
            "{carol: 10.8.0.50, dave: 10.8.0.50, erin: 10.8.0.1, frank: 10.9.0.5, gina: 10.8.0.255}");
    assertThat(assertProblems(bad))
        .extracting(ConfigProblem::path)
        .containsExactlyInAnyOrder(
            "pools.fixedAddresses.dave",
            "pools.fixedAddresses.erin",
            "pools.fixedAddresses.frank",
            "pools.fixedAddresses.gina");
    assertThat(
            ReloadScope.needsRestart(
                AgentConfigParser.parse(VALID, "a"), AgentConfigParser.parse(ok, "b")))
        .as("a fixed address is applied without a restart")
        .isFalse();
  }

  private static List<ConfigProblem> assertProblems(String text) {
    try {
      AgentConfigParser.parse(text, "f");
    } catch (InvalidConfigException e) {
      return e.problems();
    }
    throw new AssertionError("document was accepted");
  }
}
