package dev.braid.agent.openvpn.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PushReplyTest {
  @Test
  void typicalReply() {
    AddressPool pool = new AddressPool("10.8.0.0/24");
    String client = AddressPool.toString(pool.allocate().orElseThrow());
    String reply =
        new PushReply()
            .ipv4(client, pool.netmask(), pool.serverAddress())
            .ipv6("fd00:8::1000", 64, "fd00:8::1")
            .route("192.168.50.0", "255.255.255.0")
            .dnsServer(0, "10.8.0.1")
            .keepalive(10, 60)
            .peerId(3)
            .cipher("AES-256-GCM")
            .protocolFlags(true)
            .build();
    assertThat(reply)
        .isEqualTo(
            "PUSH_REPLY,route-gateway 10.8.0.1,topology subnet,ifconfig 10.8.0.2 255.255.255.0,"
                + "ifconfig-ipv6 fd00:8::1000/64 fd00:8::1,route 192.168.50.0 255.255.255.0,"
                + "dns server 0 address 10.8.0.1,ping 10,ping-restart 60,peer-id 3,cipher AES-256-GCM,"
                + "protocol-flags cc-exit tls-ekm");
  }

  @Test
  void poolHandsOutFreeAddressesAndRunsOut() {
    AddressPool pool = new AddressPool("10.9.0.0/29"); // hosts .1-.6, server .1
    int[] got = new int[5];
    for (int i = 0; i < 5; i++) {
      got[i] = pool.allocate().orElseThrow();
    }
    assertThat(AddressPool.toString(got[0])).isEqualTo("10.9.0.2");
    assertThat(AddressPool.toString(got[4])).isEqualTo("10.9.0.6");
    assertThat(pool.allocate()).isEmpty();
    pool.release(got[2]);
    assertThat(AddressPool.toString(pool.allocate().orElseThrow())).isEqualTo("10.9.0.4");
  }

  @Test
  void rejectsOptionInjectionAndOversizedReplies() {
    assertThatThrownBy(() -> new PushReply().option("route 1.2.3.4,redirect-gateway"))
        .hasMessageContaining("','");
    PushReply big = new PushReply();
    for (int i = 0; i < 60; i++) {
      big.route("10." + i + ".0.0", "255.255.0.0");
    }
    assertThatThrownBy(big::build).hasMessageContaining("limit 1024");
  }
}
