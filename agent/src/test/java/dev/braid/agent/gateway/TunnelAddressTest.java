package dev.braid.agent.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class TunnelAddressTest {
  @Test
  void destinationOfIpv4AndIpv6PacketsMatchesTheAddress() throws Exception {
    ByteBuffer v4 = ByteBuffer.allocate(20);
    v4.put(0, (byte) 0x45);
    v4.put(16, InetAddress.ofLiteral("10.8.0.7").getAddress());
    assertThat(TunnelAddress.destinationOf(v4))
        .isEqualTo(TunnelAddress.of(InetAddress.ofLiteral("10.8.0.7")));

    ByteBuffer v6 = ByteBuffer.allocate(40);
    v6.put(0, (byte) 0x60);
    v6.put(24, InetAddress.ofLiteral("fd00::8:7").getAddress());
    assertThat(TunnelAddress.destinationOf(v6))
        .isEqualTo(TunnelAddress.of(InetAddress.ofLiteral("fd00::8:7")))
        .isNotEqualTo(TunnelAddress.of(InetAddress.ofLiteral("10.8.0.7")));
  }

  @Test
  void truncatedOrUnknownPacketsHaveNoDestination() {
    assertThat(TunnelAddress.destinationOf(ByteBuffer.allocate(0))).isNull();
    ByteBuffer shortV4 = ByteBuffer.allocate(19);
    shortV4.put(0, (byte) 0x45);
    assertThat(TunnelAddress.destinationOf(shortV4)).isNull();
    ByteBuffer v5 = ByteBuffer.allocate(60);
    v5.put(0, (byte) 0x50);
    assertThat(TunnelAddress.destinationOf(v5)).isNull();
  }
}
