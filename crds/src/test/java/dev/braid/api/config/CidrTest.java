package dev.braid.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CidrTest {
  @Test
  void overlapIsSymmetricAndFamilyAware() {
    Cidr wide = Cidr.parse("10.0.0.0/8");
    Cidr narrow = Cidr.parse("10.8.0.0/24");
    assertThat(wide.overlaps(narrow)).isTrue();
    assertThat(narrow.overlaps(wide)).isTrue();
    assertThat(narrow.overlaps(Cidr.parse("10.9.0.0/24"))).isFalse();
    assertThat(narrow.overlaps(Cidr.parse("fd00::/8"))).isFalse();
  }

  @Test
  void addressesCountFromTheNetworkAddress() {
    assertThat(Cidr.parse("10.8.0.0/24").address(1).getHostAddress()).isEqualTo("10.8.0.1");
    assertThat(Cidr.parse("fd00:8::/64").address(1).getHostAddress())
        .isEqualTo("fd00:8:0:0:0:0:0:1");
    assertThat(Cidr.parse("10.8.0.0/24").contains(Cidr.parseAddress("10.8.0.77"))).isTrue();
  }

  @Test
  void hostNamesAreNeverResolved() {
    assertThatThrownBy(() -> Cidr.parse("localhost/8")).hasMessageContaining("not an IP address");
  }
}
