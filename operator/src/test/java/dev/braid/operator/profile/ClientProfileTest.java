package dev.braid.operator.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.api.v1alpha1.ControlChannelProtection;
import dev.braid.api.v1alpha1.DataCipher;
import dev.braid.api.v1alpha1.Transport;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientProfileTest {
  private static ClientProfile profile(
      List<String> remotes, List<Transport> transports, ControlChannelProtection cc) {
    return new ClientProfile(
        remotes,
        transports,
        List.of(DataCipher.AES_256_GCM, DataCipher.CHACHA20_POLY1305),
        cc,
        null,
        "CA",
        "CERT",
        "KEY",
        cc == ControlChannelProtection.NONE ? null : "STATIC");
  }

  @Test
  void udpProfileHasWhatAStockClientNeeds() {
    String text =
        profile(
                List.of("192.0.2.1:1194", "[2001:db8::1]:1194"),
                List.of(Transport.UDP),
                ControlChannelProtection.TLS_CRYPT)
            .render();

    assertThat(text.lines())
        .containsSubsequence(
            "client",
            "dev tun",
            "remote 192.0.2.1 1194 udp",
            "remote 2001:db8::1 1194 udp",
            "nobind")
        .contains(
            "remote-cert-tls server",
            "data-ciphers AES-256-GCM:CHACHA20-POLY1305",
            "explicit-exit-notify 1",
            "<tls-crypt>",
            "STATIC",
            "</tls-crypt>");
    assertThat(text).contains("<ca>\nCA\n</ca>\n<cert>\nCERT\n</cert>\n<key>\nKEY\n</key>\n");
  }

  @Test
  void tcpOnlyGatewayGetsTcpRemotesAndNoExitNotify() {
    String text =
        profile(
                List.of("vpn.example.com:443"),
                List.of(Transport.TCP),
                ControlChannelProtection.TLS_CRYPT)
            .render();
    assertThat(text.lines())
        .contains("remote vpn.example.com 443 tcp-client")
        .doesNotContain("explicit-exit-notify 1");
  }

  @Test
  void tlsAuthNamesDirectionAndDigest() {
    String text =
        profile(List.of("h:1"), List.of(Transport.UDP), ControlChannelProtection.TLS_AUTH).render();
    assertThat(text.lines())
        .contains("auth SHA256", "key-direction 1", "<tls-auth>")
        .doesNotContain("<tls-crypt>");
  }

  @Test
  void endpointsParseHostsIpv6AndPorts() {
    assertThat(Endpoint.parse("[fd00::1]:1194")).isEqualTo(new Endpoint("fd00::1", 1194));
    assertThat(Endpoint.parse("fd00::1", 1194)).isEqualTo(new Endpoint("fd00::1", 1194));
    assertThat(new Endpoint("fd00::1", 1194).toString()).isEqualTo("[fd00::1]:1194");
    assertThatThrownBy(() -> Endpoint.parse("host:99999")).hasMessageContaining("outside 1..65535");
  }
}
