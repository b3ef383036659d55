package dev.braid.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.Prerequisites;
import dev.braid.api.config.AgentConfig;
import dev.braid.api.v1alpha1.VPNGatewayNodeStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent's NAT in a fresh network namespace (forwarding off, as on a host that never routed):
 * the table appears with the masquerade rules, forwarding is switched on while routes are pushed,
 * {@code nat: false} removes the table live, and stopping puts forwarding back as it was.
 */
class TunnelNatIT {
  @Test
  void ownsItsTableAndForwardingAndLeavesTheNodeAsItFoundIt() throws Exception {
    Prerequisites.require("ip", "nft");
    try (NetNs node = NetNs.create("nat")) {
      assertThat(node.exec("cat", "/proc/sys/net/ipv4/ip_forward").strip()).isEqualTo("0");
      AgentConfig config =
          AgentConfig.builder()
              .gateway(new AgentConfig.GatewayRef("office", "braid-system", null, null))
              .pools(new AgentConfig.Pools("10.8.0.0/24", null, null))
              .routes(List.of("10.96.0.0/12"))
              .build();

      TunnelNat nat = TunnelNat.start(config, "braid1194", node.name());
      VPNGatewayNodeStatus status = new VPNGatewayNodeStatus();
      nat.addTo(status);
      assertThat(status.lastError).isNull();
      assertThat(status.nat.active).isTrue();
      assertThat(status.nat.table).isEqualTo("inet braid.braid-system.office");
      assertThat(status.nat.ipv4Forwarding).isTrue();
      assertThat(node.exec("cat", "/proc/sys/net/ipv4/ip_forward").strip()).isEqualTo("1");
      assertThat(node.exec("nft", "list", "table", "inet", "braid.braid-system.office"))
          .contains("oifname != \"braid1194\" ip saddr 10.8.0.0/24 masquerade");

      // a second start (an agent killed without cleaning up, then restarted) replaces the table
      TunnelNat.start(config, "braid1194", node.name());
      assertThat(node.exec("nft", "list", "tables")).containsOnlyOnce("braid.braid-system.office");

      nat.apply(config.toBuilder().nat(false).build());
      assertThat(nat.status().active).isFalse();
      assertThat(node.exec("nft", "list", "tables")).doesNotContain("braid");

      nat.apply(config.toBuilder().nat(true).build());
      nat.close();
      assertThat(node.exec("nft", "list", "tables")).doesNotContain("braid");
      assertThat(node.exec("cat", "/proc/sys/net/ipv4/ip_forward").strip()).isEqualTo("0");
    }
  }
}
