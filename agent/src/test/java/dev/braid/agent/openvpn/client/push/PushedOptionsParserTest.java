package dev.braid.agent.openvpn.client.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PushedOptionsParserTest {
  static List<String> options(String reply) {
    return new PushReplyReader().add(reply);
  }

  @Test
  void aBraidHubsReplyIsTyped() {
    PushedOptionsParser.Result r =
        PushedOptionsParser.parse(
            options(
                "PUSH_REPLY,route-gateway 10.8.0.1,topology subnet,ifconfig 10.8.0.2 255.255.255.0,"
                    + "ifconfig-ipv6 fd00:8::2/64 fd00:8::1,ping 10,ping-restart 60,peer-id 3,"
                    + "cipher AES-256-GCM,protocol-flags cc-exit tls-ekm,rcvbuf 4194304,"
                    + "route 10.96.0.0 255.240.0.0,route-ipv6 fd00:96::/108,"
                    + "dns server 0 address 10.96.0.10,braid-multipath 1 probe-ms=100 paths=4"));
    assertThat(r.errors()).isEmpty();
    PushedOptions o = r.options();
    assertThat(o.topology()).isEqualTo(Topology.SUBNET);
    assertThat(o.ifconfig()).contains(new Ifconfig("10.8.0.2", "255.255.255.0"));
    assertThat(o.ifconfig6()).contains(new Ifconfig6("fd00:8::2", 64, "fd00:8::1"));
    assertThat(o.routeGateway()).contains("10.8.0.1");
    assertThat(o.ping()).hasValue(10);
    assertThat(o.pingRestart()).hasValue(60);
    assertThat(o.peerId()).hasValue(3);
    assertThat(o.cipher()).contains("AES-256-GCM");
    assertThat(o.tlsKeyExport()).isTrue();
    assertThat(o.controlChannelExit()).isTrue();
    assertThat(o.rcvbuf()).hasValue(4194304);
    assertThat(o.routes()).containsExactly(new Route("10.96.0.0", "255.240.0.0", null, -1));
    assertThat(o.routes6()).containsExactly(new Route6("fd00:96::", 108, null, -1));
    assertThat(o.dnsServers()).containsExactly("10.96.0.10");
    assertThat(o.multipath()).contains(new MultipathOffer(1, List.of("probe-ms=100", "paths=4")));
    assertThat(o.unknown()).isEmpty();
    assertThat(o.all()).hasSize(14);
  }

  @Test
  void aStockServersNet30ReplyWithClientSideOptionsAndUnknownOnesKeptVerbatim() {
    PushedOptions o =
        PushedOptionsParser.parse(
                options(
                    "PUSH_REPLY,redirect-gateway def1 bypass-dhcp,dhcp-option DNS 1.1.1.1,"
                        + "dhcp-option DNS6 2606:4700::1111,dhcp-option DOMAIN corp.example,"
                        + "dhcp-option WINS 10.0.0.5,route 192.168.10.0 255.255.255.0 10.8.0.5 50,"
                        + "topology net30,ping 10,ping-restart 120,ifconfig 10.8.0.6 10.8.0.5,"
                        + "peer-id 0,cipher CHACHA20-POLY1305,key-derivation tls-ekm,tun-mtu 1400,"
                        + "block-ipv6,auth-token SESS_ID_abc,sndbuf 393216"))
            .options();
    assertThat(o.topology()).isEqualTo(Topology.NET30);
    assertThat(o.ifconfig()).contains(new Ifconfig("10.8.0.6", "10.8.0.5"));
    assertThat(o.redirectGateway())
        .hasValueSatisfying(
            g -> {
              assertThat(g.flags()).isEqualTo(Set.of("def1", "bypass-dhcp"));
              assertThat(g.ipv4()).isTrue();
              assertThat(g.ipv6()).isFalse();
              assertThat(g.privateOnly()).isFalse();
            });
    assertThat(o.dnsServers()).containsExactly("1.1.1.1", "2606:4700::1111");
    assertThat(o.searchDomains()).containsExactly("corp.example");
    assertThat(o.routes())
        .containsExactly(new Route("192.168.10.0", "255.255.255.0", "10.8.0.5", 50));
    assertThat(o.tlsKeyExport()).as("key-derivation tls-ekm").isTrue();
    assertThat(o.controlChannelExit()).isFalse();
    assertThat(o.tunMtu()).hasValue(1400);
    assertThat(o.sndbuf()).hasValue(393216);
    assertThat(o.unknown())
        .containsExactly("dhcp-option WINS 10.0.0.5", "block-ipv6", "auth-token SESS_ID_abc");
  }

  @Test
  void malformedKnownOptionsAreErrorsNamingTheOption() {
    PushedOptionsParser.Result r =
        PushedOptionsParser.parse(
            Arrays.asList("peer-id x", "ping", "topology star", "peer-id 16777215", "tun-mtu 20"));
    assertThat(r.ok()).isFalse();
    assertThat(r.errors())
        .containsExactly(
            "'peer-id x': 'x' is not a number",
            "'ping': needs 1 argument, has 0",
            "'topology star': topology must be net30, p2p or subnet",
            "'peer-id 16777215': 16777215 is outside 0..16777214",
            "'tun-mtu 20': 20 is outside 68..65535");
  }

  @Test
  void continuationsAreJoinedAndTheMarkerIsNotAnOption() {
    PushReplyReader reader = new PushReplyReader();
    assertThat(reader.add("PUSH_REPLY,route 10.1.0.0 255.255.0.0,push-continuation 2")).isNull();
    assertThat(reader.add("PUSH_REPLY,route 10.2.0.0 255.255.0.0,push-continuation 2")).isNull();
    List<String> all = reader.add("PUSH_REPLY,peer-id 1,push-continuation 1");
    assertThat(all)
        .containsExactly(
            "route 10.1.0.0 255.255.0.0",
            "route 10.2.0.0 255.255.0.0",
            "peer-id 1",
            "push-continuation 1");
    PushedOptions o = PushedOptionsParser.parse(all).options();
    assertThat(o.routes()).hasSize(2);
    assertThat(o.all()).doesNotContain("push-continuation 1");
    assertThat(reader.add("PUSH_REPLY")).as("an empty reply starts afresh").isEmpty();
  }

  @Test
  void onlyPushReplyMessagesAreReplies() {
    assertThat(PushReplyReader.isPushReply("PUSH_REPLY,ping 10")).isTrue();
    assertThat(PushReplyReader.isPushReply("PUSH_REPLY")).isTrue();
    assertThat(PushReplyReader.isPushReply("PUSH_REPLYX")).isFalse();
    assertThat(PushReplyReader.isPushReply("AUTH_FAILED")).isFalse();
  }
}
