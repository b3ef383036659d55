package dev.braid.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.api.config.AgentConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class TunnelNatTest {
  @Test
  void tableIsNamedForTheGatewayAndReplacedInOneTransaction() {
    AgentConfig c =
        AgentConfig.builder()
            .gateway(new AgentConfig.GatewayRef("office", "braid-system", null, null))
            .build();
    assertThat(TunnelNat.tableName(c)).isEqualTo("braid.braid-system.office");
    c = c.toBuilder().gateway(new AgentConfig.GatewayRef("office", null, null, null)).build();
    assertThat(TunnelNat.tableName(c)).isEqualTo("braid.office");

    assertThat(
            TunnelNat.script("braid.x", "braid1194", List.of("10.8.0.0/24", "fd00:8::/64"), true))
        .isEqualTo(
            """
            table inet braid.x
            delete table inet braid.x
            table inet braid.x {
              chain postrouting {
                type nat hook postrouting priority srcnat; policy accept;
                oifname != "braid1194" ip saddr 10.8.0.0/24 masquerade
                oifname != "braid1194" ip6 saddr fd00:8::/64 masquerade
              }
            }
            """);
    // off: whatever an earlier agent left is removed, and nothing is created
    assertThat(TunnelNat.script("braid.x", "braid1194", List.of("10.8.0.0/24"), false))
        .isEqualTo("table inet braid.x\ndelete table inet braid.x\n");
  }
}
