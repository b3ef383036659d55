package dev.braid.operator.model;

import static dev.braid.operator.testing.Gateways.gateway;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.api.config.AgentConfig;
import dev.braid.api.config.AgentConfigParser;
import dev.braid.api.config.AgentDefaults;
import dev.braid.api.v1alpha1.VPNClient;
import dev.braid.api.v1alpha1.VPNClientSpec;
import dev.braid.api.v1alpha1.VPNGateway;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentConfigRendererTest {
  private final VPNGateway gw = gateway("ns", "gw"); // pool 10.8.0.0/24

  @Test
  void aSpecThatLeavesSettingsOutRendersWhatTheAgentWouldDefaultTo() throws Exception {
    // The same document with everything optional left out, as a standalone agent reads it.
    String minimal =
        """
        gateway: {name: gw}
        pools: {ipv4: 10.8.0.0/24}
        tls: {caFile: ca.crt, certFile: tls.crt, keyFile: tls.key, controlChannelKeyFile: ta.key}
        """;
    AgentConfig standalone = AgentConfigParser.parse(minimal, "standalone");
    AgentConfig rendered =
        AgentConfigParser.parse(AgentConfigRenderer.renderYaml(gw, List.of()), "cm");

    assertThat(rendered.mode()).isEqualTo(standalone.mode()).isEqualTo(AgentDefaults.MODE);
    assertThat(rendered.listen()).isEqualTo(standalone.listen());
    assertThat(rendered.workersOrDefault()).isEqualTo(standalone.workersOrDefault());
    assertThat(rendered.receiveHoldMicrosOrDefault())
        .isEqualTo(standalone.receiveHoldMicrosOrDefault());
    assertThat(rendered.udpSegmentationOrDefault())
        .isEqualTo(standalone.udpSegmentationOrDefault());
    assertThat(rendered.mtu()).isEqualTo(standalone.mtu());
    assertThat(rendered.ciphers()).isEqualTo(standalone.ciphers());
    assertThat(rendered.keepaliveIntervalSecondsOrDefault())
        .isEqualTo(standalone.keepaliveIntervalSecondsOrDefault());
    assertThat(rendered.keepaliveTimeoutSecondsOrDefault())
        .isEqualTo(standalone.keepaliveTimeoutSecondsOrDefault());
    assertThat(rendered.renegotiateSeconds())
        .isEqualTo(standalone.renegotiateSeconds())
        .isEqualTo(AgentDefaults.RENEGOTIATE_SECONDS);
    assertThat(rendered.duplicateCommonNamesOrDefault())
        .isEqualTo(standalone.duplicateCommonNamesOrDefault());
    assertThat(rendered.clientReceiveBufferOrDefault())
        .isEqualTo(standalone.clientReceiveBufferOrDefault());
    assertThat(rendered.tls().controlChannel()).isEqualTo(standalone.tls().controlChannel());
    assertThat(rendered.tls().authDigestOrDefault())
        .isEqualTo(standalone.tls().authDigestOrDefault());
    assertThat(rendered.tls().minVersion()).isEqualTo(standalone.tls().minVersion());
    assertThat(rendered.control()).isEqualTo(standalone.control());
  }

  @Test
  void fixedAddressesOfTheGatewaysClientsGoIntoThePoolByCommonName() throws Exception {
    List<VPNClient> clients =
        List.of(
            client("ns", "carol", "gw", "10.8.0.50"),
            client("ns", "alice", "gw", null),
            client("ns", "dave", "other-gw", "10.8.0.51"),
            client("elsewhere", "erin", "gw", "10.8.0.52"));
    AgentConfig c = AgentConfigRenderer.render(gw, clients);
    assertThat(c.pools().fixedAddresses())
        .containsExactly(java.util.Map.entry("carol", "10.8.0.50"));
    String yaml = AgentConfigRenderer.renderYaml(gw, clients);
    assertThat(AgentConfigParser.parse(yaml, "cm").pools().fixedAddresses())
        .containsEntry("carol", "10.8.0.50");
    assertThat(AgentConfigRenderer.render(gw).pools().fixedAddresses()).isNull();
  }

  @Test
  void unusableAddressesAreLeftOutSoTheDocumentStaysValid() throws Exception {
    List<VPNClient> clients =
        List.of(
            client("ns", "zed", "gw", "10.8.0.60"), // same as bob: the later name loses
            client("ns", "bob", "gw", "10.8.0.60"),
            client("ns", "gwaddr", "gw", "10.8.0.1"),
            client("ns", "outside", "gw", "10.9.0.7"),
            client("ns", "bcast", "gw", "10.8.0.255"));
    AgentConfig c = AgentConfigRenderer.render(gw, clients);
    assertThat(c.pools().fixedAddresses()).containsExactly(java.util.Map.entry("bob", "10.8.0.60"));
    assertThat(AgentConfigParser.validate(c)).isEmpty();
  }

  @Test
  void fixedAddressesDoNotChangeTheRestartHash() {
    String without = AgentConfigRenderer.restartHash(AgentConfigRenderer.render(gw));
    String with =
        AgentConfigRenderer.restartHash(
            AgentConfigRenderer.render(gw, List.of(client("ns", "carol", "gw", "10.8.0.50"))));
    assertThat(with).isEqualTo(without);
  }

  @Test
  void natIsOnUnlessTheSpecTurnsItOffAndIsAppliedLive() throws Exception {
    AgentConfig on = AgentConfigParser.parse(AgentConfigRenderer.renderYaml(gw, List.of()), "cm");
    assertThat(on.natOrDefault()).isTrue();
    gw.getSpec().nat = false;
    AgentConfig off = AgentConfigParser.parse(AgentConfigRenderer.renderYaml(gw, List.of()), "cm");
    assertThat(off.natOrDefault()).isFalse();
    assertThat(dev.braid.api.config.ReloadScope.needsRestart(on, off)).isFalse();
  }

  @Test
  void unsetKnobsRenderAsTheAgentDefaults() throws Exception {
    AgentConfig parsed =
        AgentConfigParser.parse(AgentConfigRenderer.renderYaml(gw, List.of()), "cm");
    assertThat(parsed.receiveHoldMicros()).isNull(); // the agent's own default (200) applies
    assertThat(parsed.duplicateCommonNames()).isFalse();
    assertThat(parsed.clientReceiveBuffer()).isNull(); // the agent's own default (1 MiB) applies
  }

  @Test
  void receiveHoldAndDuplicateCommonNamesGoIntoTheAgentConfig() throws Exception {
    gw.getSpec().receiveHoldMicros = 0;
    gw.getSpec().duplicateCommonNames = true;
    String yaml = AgentConfigRenderer.renderYaml(gw, List.of());
    assertThat(yaml).contains("receiveHoldMicros: 0").contains("duplicateCommonNames: true");
    AgentConfig parsed = AgentConfigParser.parse(yaml, "cm");
    assertThat(parsed.receiveHoldMicros()).isZero();
    assertThat(parsed.duplicateCommonNames()).isTrue();
  }

  @Test
  void clientReceiveBufferGoesIntoTheAgentConfigWithoutRestartingAgents() throws Exception {
    String base = AgentConfigRenderer.restartHash(AgentConfigRenderer.render(gw));
    gw.getSpec().clientReceiveBuffer = 0;
    String yaml = AgentConfigRenderer.renderYaml(gw, List.of());
    assertThat(yaml).contains("clientReceiveBuffer: 0");
    assertThat(AgentConfigParser.parse(yaml, "cm").clientReceiveBuffer()).isZero();
    gw.getSpec().clientReceiveBuffer = 4 << 20;
    assertThat(AgentConfigRenderer.restartHash(AgentConfigRenderer.render(gw))).isEqualTo(base);
  }

  @Test
  void receiveHoldChangesTheRestartHashButDuplicateCommonNamesDoesNot() {
    String base = AgentConfigRenderer.restartHash(AgentConfigRenderer.render(gw));
    gw.getSpec().duplicateCommonNames = true;
    assertThat(AgentConfigRenderer.restartHash(AgentConfigRenderer.render(gw))).isEqualTo(base);
    gw.getSpec().receiveHoldMicros = 50;
    assertThat(AgentConfigRenderer.restartHash(AgentConfigRenderer.render(gw))).isNotEqualTo(base);
  }

  private static VPNClient client(String namespace, String name, String gateway, String address) {
    VPNClient c = new VPNClient();
    c.getMetadata().setNamespace(namespace);
    c.getMetadata().setName(name);
    c.setSpec(new VPNClientSpec());
    c.getSpec().gateway = gateway;
    c.getSpec().address = address;
    return c;
  }
}
