package dev.braid.agent.openvpn.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AddressPoolTest {
  @Test
  void ipv6AddressHasTheSameHostNumberAsTheIpv4One() {
    AddressPool pool = new AddressPool("10.8.0.0/24", "fd00:8::/64", Map.of());
    assertThat(pool.serverAddress6()).isEqualTo("fd00:8::1");
    assertThat(pool.prefixLength6()).isEqualTo(64);
    AddressPool.Lease a = pool.lease("alice");
    AddressPool.Lease b = pool.lease("bob");
    assertThat(a.ipv4Text()).isEqualTo("10.8.0.2");
    assertThat(a.ipv6()).isEqualTo("fd00:8::2");
    assertThat(b.ipv4Text()).isEqualTo("10.8.0.3");
    assertThat(b.ipv6()).isEqualTo("fd00:8::3");
  }

  @Test
  void hostBitsOfTheIpv6NetworkAreIgnoredAndTheSmallerNetworkLimitsThePool() {
    AddressPool pool = new AddressPool("10.8.0.0/24", "fd00:8::ff/124", Map.of());
    assertThat(pool.serverAddress6()).isEqualTo("fd00:8::f1");
    int leased = 0;
    while (pool.lease(null) != null) {
      leased++;
    }
    assertThat(leased).isEqualTo(14); // hosts 2..15 of the /124
  }

  @Test
  void withoutIpv6LeasesCarryNone() {
    AddressPool pool = new AddressPool("10.8.0.0/24");
    assertThat(pool.hasIpv6()).isFalse();
    assertThat(pool.lease("alice").ipv6()).isNull();
  }

  @Test
  void fixedAddressGoesOnlyToItsCommonName() {
    AddressPool pool =
        new AddressPool("10.9.0.0/29", "fd00:9::/64", Map.of("carol", "10.9.0.2")); // .2-.6
    assertThat(pool.lease("alice").ipv4Text()).isEqualTo("10.9.0.3");
    AddressPool.Lease carol = pool.lease("carol");
    assertThat(carol.ipv4Text()).isEqualTo("10.9.0.2");
    assertThat(carol.ipv6()).isEqualTo("fd00:9::2");
    pool.release(carol);
    for (int i = 0; i < 3; i++) {
      assertThat(pool.lease("dave" + i))
          .as("lease %d", i)
          .isNotNull()
          .extracting(AddressPool.Lease::ipv4Text)
          .isNotEqualTo("10.9.0.2");
    }
    assertThat(pool.lease("erin")).as("only carol's address is left").isNull();
    assertThat(pool.lease("carol").ipv4Text()).isEqualTo("10.9.0.2");
  }

  @Test
  void newSessionOfAFixedNameTakesTheAddressOverAndTheOldReleaseLeavesItHeld() {
    AddressPool pool = new AddressPool("10.9.0.0/29", null, Map.of("carol", "10.9.0.2")); // .2-.6
    AddressPool.Lease old = pool.lease("carol");
    AddressPool.Lease current = pool.lease("carol");
    assertThat(current.ipv4Text()).isEqualTo("10.9.0.2");
    pool.release(old);
    pool.fix(Map.of()); // .2 may now go to anyone, if it were free
    for (int i = 0; i < 4; i++) {
      assertThat(pool.lease("dave" + i).ipv4Text()).isNotEqualTo("10.9.0.2");
    }
    assertThat(pool.lease("erin")).as(".2 is still held by carol's current session").isNull();
    pool.release(current);
    assertThat(pool.lease("erin").ipv4Text()).isEqualTo("10.9.0.2");
  }

  @Test
  void dynamicAddressIsNotTakenOverByAnotherName() {
    AddressPool pool = new AddressPool("10.9.0.0/29", null, Map.of());
    AddressPool.Lease alice = pool.lease("alice"); // .2
    pool.fix(Map.of("carol", "10.9.0.2"));
    assertThat(pool.lease("carol").ipv4Text()).isEqualTo("10.9.0.3");
    pool.release(alice);
    assertThat(pool.lease("carol").ipv4Text()).isEqualTo("10.9.0.2");
  }

  @Test
  void fixedAddressesCanBeReplacedLiveAndABadSetChangesNothing() {
    AddressPool pool = new AddressPool("10.9.0.0/24", null, Map.of("carol", "10.9.0.50"));
    assertThatThrownBy(() -> pool.fix(Map.of("dave", "10.9.0.60", "erin", "10.10.0.1")))
        .hasMessageContaining("10.10.0.1");
    assertThat(pool.lease("dave").ipv4Text()).isEqualTo("10.9.0.2");
    pool.fix(Map.of("dave", "10.9.0.60"));
    assertThat(pool.lease("dave").ipv4Text()).isEqualTo("10.9.0.60");
    assertThat(pool.lease("carol").ipv4Text()).as("no longer fixed").isEqualTo("10.9.0.3");
  }

  @Test
  void fixedAddressMustBeAClientAddressOfThePool() {
    assertThatThrownBy(() -> new AddressPool("10.9.0.0/24", null, Map.of("carol", "10.9.0.1")))
        .hasMessageContaining("carol");
    assertThatThrownBy(() -> new AddressPool("10.9.0.0/24", null, Map.of("carol", "10.10.0.5")))
        .hasMessageContaining("not a client address");
    assertThatThrownBy(
            () ->
                new AddressPool(
                    "10.9.0.0/24", null, Map.of("carol", "10.9.0.5", "dave", "10.9.0.5")))
        .hasMessageContaining("twice");
  }

  @Test
  void ipv6TextIsTheShortRfc5952Form() throws Exception {
    for (String text :
        new String[] {
          "fd00:8::2", "::", "::1", "fd00::", "2001:db8:0:1:1:1:1:1", "2001:0:0:1::1", "1::2:0:0:3"
        }) {
      byte[] raw = java.net.InetAddress.getByName(text).getAddress();
      assertThat(AddressPool.toString6(raw)).isEqualTo(text);
    }
  }
}
