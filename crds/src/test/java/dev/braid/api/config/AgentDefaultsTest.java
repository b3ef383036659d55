package dev.braid.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every default has one home, {@link AgentDefaults}: a document that leaves everything optional out
 * parses to those values, and the VPNGateway CRD the API server applies defaults to the same ones.
 */
class AgentDefaultsTest {
  /** The least a document may hold: what the gateway is, its pool and its PKI. */
  static final String MINIMAL =
      """
      gateway: {name: edge}
      pools: {ipv4: 10.8.0.0/24}
      tls: {caFile: ca.crt, certFile: tls.crt, keyFile: tls.key, controlChannelKeyFile: ta.key}
      """;

  @Test
  void aDocumentThatLeavesSettingsOutGetsTheDefaults() throws Exception {
    AgentConfig c = AgentConfigParser.parse(MINIMAL, "minimal");

    assertThat(c.mode()).isEqualTo(AgentDefaults.MODE);
    assertThat(c.listen().port()).isEqualTo(AgentDefaults.PORT);
    assertThat(c.listen().transports()).isEqualTo(AgentDefaults.TRANSPORTS);
    assertThat(c.workersOrDefault()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(c.receiveHoldMicrosOrDefault()).isEqualTo(AgentDefaults.RECEIVE_HOLD_MICROS);
    assertThat(c.udpSegmentationOrDefault()).isEqualTo(AgentDefaults.UDP_SEGMENTATION);
    assertThat(c.mtu()).isEqualTo(AgentDefaults.MTU);
    assertThat(c.routes()).isEmpty();
    assertThat(c.ciphers()).isEqualTo(AgentDefaults.CIPHERS);
    assertThat(c.keepaliveIntervalSecondsOrDefault())
        .isEqualTo(AgentDefaults.KEEPALIVE_INTERVAL_SECONDS);
    assertThat(c.keepaliveTimeoutSecondsOrDefault())
        .isEqualTo(AgentDefaults.KEEPALIVE_TIMEOUT_SECONDS);
    assertThat(c.renegotiateSeconds()).isEqualTo(AgentDefaults.RENEGOTIATE_SECONDS);
    assertThat(c.duplicateCommonNamesOrDefault()).isEqualTo(AgentDefaults.DUPLICATE_COMMON_NAMES);
    assertThat(c.clientReceiveBufferOrDefault()).isEqualTo(AgentDefaults.CLIENT_RECEIVE_BUFFER);
    assertThat(c.tls().controlChannel()).isEqualTo(AgentDefaults.CONTROL_CHANNEL);
    assertThat(c.tls().authDigestOrDefault()).isEqualTo(AgentDefaults.AUTH_DIGEST);
    assertThat(c.tls().minVersion()).isEqualTo(AgentDefaults.TLS_MIN_VERSION);
    assertThat(c.control().httpPort()).isEqualTo(AgentDefaults.HTTP_PORT);
    assertThat(c.control().statusIntervalSeconds())
        .isEqualTo(AgentDefaults.STATUS_INTERVAL_SECONDS);
  }

  @Test
  void aConfigBuiltInCodeGetsTheSameDefaultsAsAParsedOne() throws Exception {
    AgentConfig parsed = AgentConfigParser.parse(MINIMAL, "minimal");
    AgentConfig built =
        AgentConfig.builder()
            .gateway(AgentConfig.GatewayRef.named("edge"))
            .pools(new AgentConfig.Pools("10.8.0.0/24", null, null))
            .tls(
                AgentConfig.Tls.builder()
                    .caFile("ca.crt")
                    .certFile("tls.crt")
                    .keyFile("tls.key")
                    .controlChannelKeyFile("ta.key")
                    .build())
            .build();

    assertThat(built).isEqualTo(parsed);
    assertThat(AgentConfigParser.render(built)).isEqualTo(AgentConfigParser.render(parsed));
  }

  @Test
  void theCrdDefaultsAreTheAgentDefaults() throws Exception {
    JsonNode spec =
        new ObjectMapper(new YAMLFactory())
            .readTree(Files.readString(Path.of("manifests/vpngateways.braid.dev-v1.yml")))
            .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties");

    assertThat(spec.at("/mode/default").asText()).isEqualTo(json(AgentDefaults.MODE));
    assertThat(spec.at("/port/default").asInt()).isEqualTo(AgentDefaults.PORT);
    assertThat(spec.at("/mtu/default").asInt()).isEqualTo(AgentDefaults.MTU);
    assertThat(spec.at("/renegotiateSeconds/default").asInt())
        .isEqualTo(AgentDefaults.RENEGOTIATE_SECONDS);
    assertThat(spec.at("/duplicateCommonNames/default").asBoolean())
        .isEqualTo(AgentDefaults.DUPLICATE_COMMON_NAMES);
    assertThat(spec.at("/keepalive/properties/intervalSeconds/default").asInt())
        .isEqualTo(AgentDefaults.KEEPALIVE_INTERVAL_SECONDS);
    assertThat(spec.at("/keepalive/properties/timeoutSeconds/default").asInt())
        .isEqualTo(AgentDefaults.KEEPALIVE_TIMEOUT_SECONDS);
    assertThat(spec.at("/tls/properties/controlChannel/default").asText())
        .isEqualTo(json(AgentDefaults.CONTROL_CHANNEL));
    assertThat(spec.at("/tls/properties/minVersion/default").asText())
        .isEqualTo(AgentDefaults.TLS_MIN_VERSION);
    assertThat(spec.at("/receiveHoldMicros/default").isMissingNode())
        .as("unset means the agent's default, so a new default needs no CRD change")
        .isTrue();
  }

  /** An enum constant as the API spells it. */
  private static String json(Enum<?> value) {
    return new ObjectMapper().valueToTree(value).asText();
  }
}
