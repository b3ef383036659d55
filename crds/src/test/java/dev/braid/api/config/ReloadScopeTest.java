package dev.braid.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.api.v1alpha1.Keepalive;
import dev.braid.api.v1alpha1.Transport;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReloadScopeTest {
  private static final String DOC =
      """
      gateway: {name: edge, namespace: vpn, generation: 3}
      listen: {port: 1194, transports: [UDP]}
      pools: {ipv4: 10.8.0.0/24}
      routes: [10.96.0.0/12]
      tls:
        caFile: /etc/braid/tls/ca.crt
        certFile: /etc/braid/tls/tls.crt
        keyFile: /etc/braid/tls/tls.key
        controlChannelKeyFile: /etc/braid/tls/tls-crypt.key
      ciphers: [AES-256-GCM]
      """;

  @Test
  void liveSettingsNameNoRestartField() throws Exception {
    AgentConfig before = AgentConfigParser.parse(DOC, "before");
    Keepalive keepalive = new Keepalive();
    keepalive.intervalSeconds = 5;
    AgentConfig after =
        before.toBuilder()
            .routes(List.of("10.96.0.0/12", "10.100.0.0/16"))
            .keepalive(keepalive)
            .renegotiateSeconds(60)
            .gateway(before.gateway().withGeneration(4L))
            .tls(before.tls().toBuilder().crlFile(null).build()) // unchanged: still unset
            .build();

    assertThat(ReloadScope.needsRestart(before, after)).isFalse();
    assertThat(ReloadScope.restartFields(before, after)).isEmpty();
  }

  @Test
  void restartFieldsNameEachChangedPathAndAListOnce() throws Exception {
    AgentConfig before = AgentConfigParser.parse(DOC, "before");
    AgentConfig after =
        before.toBuilder()
            .listen(new AgentConfig.Listen(1195, List.of(Transport.UDP, Transport.TCP)))
            .pools(new AgentConfig.Pools("10.9.0.0/24", null, null))
            .workers(4)
            .routes(List.of()) // live: not named
            .build();

    assertThat(ReloadScope.needsRestart(before, after)).isTrue();
    assertThat(ReloadScope.restartFields(before, after))
        .containsExactly("listen.port", "listen.transports", "pools.ipv4", "workers");
  }
}
