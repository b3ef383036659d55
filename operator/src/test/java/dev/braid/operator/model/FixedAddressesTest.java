package dev.braid.operator.model;

import static dev.braid.operator.testing.Gateways.gateway;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.api.v1alpha1.VPNClient;
import dev.braid.api.v1alpha1.VPNClientSpec;
import dev.braid.api.v1alpha1.VPNGateway;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FixedAddressesTest {
  private final VPNGateway gw = gateway("ns", "gw"); // pool 10.8.0.0/24

  @Test
  void olderClientKeepsASharedAddressWhateverTheNamesOrTheOrder() {
    VPNClient older = client("zed", "10.8.0.60", "2026-01-01T00:00:00Z");
    VPNClient newer = client("amy", "10.8.0.60", "2026-01-02T00:00:00Z");
    List<VPNClient> clients = new ArrayList<>(List.of(newer, older));
    for (int i = 0; i < 2; i++) {
      FixedAddresses.Allocation a = FixedAddresses.allocate(gw, clients);
      assertThat(a.granted()).containsExactly(Map.entry("zed", "10.8.0.60"));
      assertThat(a.refusal("zed")).isEmpty();
      FixedAddresses.Refusal r = a.refusal("amy").orElseThrow();
      assertThat(r.reason()).isEqualTo(FixedAddresses.TAKEN);
      assertThat(r.message())
          .startsWith("spec.address 10.8.0.60 is already held by VPNClient zed, which is older")
          .contains("10.8.0.0/24");
      Collections.reverse(clients);
    }
  }

  @Test
  void sameCreationSecondFallsBackToTheName() {
    String t = "2026-01-01T00:00:00Z";
    FixedAddresses.Allocation a =
        FixedAddresses.allocate(
            gw, List.of(client("bob", "10.8.0.9", t), client("al", "10.8.0.9", t)));
    assertThat(a.granted()).containsExactly(Map.entry("al", "10.8.0.9"));
    assertThat(a.refusal("bob").orElseThrow().message()).contains("held by VPNClient al");
  }

  @Test
  void clientWithoutCreationTimeCountsAsNewest() {
    FixedAddresses.Allocation a =
        FixedAddresses.allocate(
            gw,
            List.of(
                client("aa", "10.8.0.9", null), client("zz", "10.8.0.9", "2026-01-01T00:00:00Z")));
    assertThat(a.granted()).containsExactly(Map.entry("zz", "10.8.0.9"));
  }

  @Test
  void reservedAddressesOfThePoolAreRefusedNamingTheirRole() {
    FixedAddresses.Allocation a =
        FixedAddresses.allocate(
            gw,
            List.of(
                client("net", "10.8.0.0", null),
                client("gwaddr", "10.8.0.1", null),
                client("bcast", "10.8.0.255", null),
                client("first", "10.8.0.2", null),
                client("last", "10.8.0.254", null)));
    assertThat(a.granted())
        .containsExactly(Map.entry("first", "10.8.0.2"), Map.entry("last", "10.8.0.254"));
    assertThat(a.refused()).containsOnlyKeys("net", "gwaddr", "bcast");
    assertThat(a.refused().values())
        .allSatisfy(r -> assertThat(r.reason()).isEqualTo(FixedAddresses.RESERVED));
    assertThat(a.refusal("net").orElseThrow().message())
        .isEqualTo(
            "spec.address 10.8.0.0 is the network address of pool 10.8.0.0/24; choose one from"
                + " 10.8.0.2 to 10.8.0.254");
    assertThat(a.refusal("gwaddr").orElseThrow().message())
        .contains("the gateway's own address (the first host)");
    assertThat(a.refusal("bcast").orElseThrow().message()).contains("the broadcast address");
  }

  @Test
  void aRefusedClientTakesNoAddressFromOthers() {
    // the gateway's address is refused, so a newer client with a good address is not affected
    FixedAddresses.Allocation a =
        FixedAddresses.allocate(
            gw,
            List.of(
                client("old", "10.9.0.7", "2026-01-01T00:00:00Z"),
                client("new", "10.8.0.7", "2026-01-02T00:00:00Z")));
    assertThat(a.granted()).containsExactly(Map.entry("new", "10.8.0.7"));
    FixedAddresses.Refusal r = a.refusal("old").orElseThrow();
    assertThat(r.reason()).isEqualTo(FixedAddresses.OUTSIDE_POOL);
    assertThat(r.message())
        .isEqualTo(
            "spec.address 10.9.0.7 is outside the gateway pool 10.8.0.0/24; choose one from"
                + " 10.8.0.2 to 10.8.0.254");
  }

  @Test
  void gatewayWithoutIpv4PoolRefusesEveryFixedAddress() {
    VPNGateway v6 = gateway("ns", "gw");
    v6.getSpec().network.ipv4 = null;
    v6.getSpec().network.ipv6 = "fd00::/64";
    FixedAddresses.Allocation a =
        FixedAddresses.allocate(v6, List.of(client("a", "10.8.0.7", null)));
    assertThat(a.granted()).isEmpty();
    assertThat(a.refusal("a").orElseThrow().reason()).isEqualTo(FixedAddresses.NO_POOL);
  }

  @Test
  void clientsOfOtherGatewaysAndWithoutAddressAreIgnored() {
    VPNClient other = client("other", "10.8.0.7", null);
    other.getSpec().gateway = "elsewhere";
    VPNClient foreign = client("foreign", "10.8.0.7", null);
    foreign.getMetadata().setNamespace("other-ns");
    FixedAddresses.Allocation a =
        FixedAddresses.allocate(
            gw,
            List.of(other, foreign, client("dynamic", null, null), client("me", "10.8.0.7", null)));
    assertThat(a.granted()).containsExactly(Map.entry("me", "10.8.0.7"));
    assertThat(a.refused()).isEmpty();
  }

  @Test
  void rendererWritesExactlyTheGrantedAddresses() {
    List<VPNClient> clients =
        List.of(
            client("zed", "10.8.0.60", "2026-01-01T00:00:00Z"),
            client("bob", "10.8.0.60", "2026-01-02T00:00:00Z"),
            client("bcast", "10.8.0.255", null));
    assertThat(AgentConfigRenderer.render(gw, clients).pools().fixedAddresses())
        .isEqualTo(FixedAddresses.allocate(gw, clients).granted())
        .containsExactly(Map.entry("zed", "10.8.0.60"));
  }

  static VPNClient client(String name, String address, String created) {
    VPNClient c = new VPNClient();
    c.getMetadata().setNamespace("ns");
    c.getMetadata().setName(name);
    c.getMetadata().setCreationTimestamp(created);
    c.setSpec(new VPNClientSpec());
    c.getSpec().gateway = "gw";
    c.getSpec().address = address;
    return c;
  }
}
