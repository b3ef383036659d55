package dev.braid.agent.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.api.v1alpha1.DnsSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSetupTest {
  @Test
  void routesAndDnsBecomePushOptions() {
    assertThat(ServerSetup.routeOption("10.96.0.0/12")).isEqualTo("route 10.96.0.0 255.240.0.0");
    assertThat(ServerSetup.routeOption("fd00:96::/64")).isEqualTo("route-ipv6 fd00:96::/64");

    DnsSettings dns = new DnsSettings();
    dns.servers = List.of("10.96.0.10", "fd00:96::a");
    dns.searchDomains = List.of("svc.cluster.local", "cluster.local");
    assertThat(ServerSetup.dnsOptions(dns))
        .containsExactly(
            "dhcp-option DNS 10.96.0.10",
            "dhcp-option DNS fd00:96::a",
            "dhcp-option DOMAIN-SEARCH svc.cluster.local",
            "dhcp-option DOMAIN-SEARCH cluster.local");
    assertThat(ServerSetup.dnsOptions(null)).isEmpty();
    assertThat(ServerSetup.dnsOptions(new DnsSettings())).isEmpty();
  }
}
