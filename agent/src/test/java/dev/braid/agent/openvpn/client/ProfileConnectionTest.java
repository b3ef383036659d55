package dev.braid.agent.openvpn.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.openvpn.client.profile.ClientProfile;
import dev.braid.agent.openvpn.client.profile.ClientProfileParser;
import dev.braid.agent.openvpn.keys.AeadCipher;
import dev.braid.agent.openvpn.session.ServerConfig;
import dev.braid.agent.openvpn.testing.TestPki;
import dev.braid.agent.openvpn.tls.TlsServerContext;
import dev.braid.agent.openvpn.tlswrap.KeyDirection;
import dev.braid.agent.openvpn.tlswrap.StaticKey;
import dev.braid.agent.openvpn.tlswrap.TlsAuth;
import dev.braid.agent.openvpn.tlswrap.TlsCrypt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A profile in the operator's format, parsed, turned into a configuration and connected to the real
 * server side in memory: the .ovpn is the single source of the site's settings.
 */
class ProfileConnectionTest {
  @Test
  void aProfileWithTlsCryptConnectsAndCarriesData() throws Exception {
    Fixture f = new Fixture();
    ClientProfile p =
        ClientProfileParser.parse(f.profile("<tls-crypt>\n" + f.key.format() + "</tls-crypt>\n"));
    ServerConfig server =
        ServerConfig.defaults(new TlsCrypt(f.key, KeyDirection.NORMAL), f.serverTls);
    ClientServerNet net = new ClientServerNet(server, 0, 1);
    net.start(ClientConfigs.fromProfile(p, false));
    net.connect();
    assertThat(net.client.cipher()).isEqualTo(AeadCipher.CHACHA20_POLY1305);
    Traffic t = new Traffic(net);
    t.roundTrip();
    assertThat(t.receivedByServer()).isEqualTo(1);
    assertThat(t.receivedByClient()).isEqualTo(1);
  }

  @Test
  void aProfileWithTlsAuthKeyDirectionAndDigestConnects() throws Exception {
    Fixture f = new Fixture();
    ClientProfile p =
        ClientProfileParser.parse(
            f.profile(
                "auth SHA512\nkey-direction 1\n<tls-auth>\n" + f.key.format() + "</tls-auth>\n"));
    ServerConfig server =
        ServerConfig.defaults(
            new TlsAuth(f.key, KeyDirection.NORMAL, TlsAuth.Digest.SHA512), f.serverTls);
    ClientServerNet net = new ClientServerNet(server, 0, 2);
    net.start(ClientConfigs.fromProfile(p, false));
    net.connect();
    assertThat(net.client.isConnected()).isTrue();
  }

  private static final class Fixture {
    final TestPki pki = new TestPki();
    final TestPki.Issued client = pki.client("site-berlin");
    final TestPki.Issued server = pki.server("hub");
    final TlsServerContext serverTls =
        TlsServerContext.fromPem(server.certPem(), server.keyPem(), pki.ca().certPem(), "");
    final StaticKey key;

    Fixture() throws Exception {
      byte[] k = new byte[StaticKey.SIZE];
      new Random(3).nextBytes(k);
      key = new StaticKey(k);
    }

    /** What the operator renders (see operator ClientProfile#render), with this PKI inside. */
    String profile(String controlChannel) {
      return "# Braid VPN client profile; use as-is: openvpn --config client.ovpn\n"
          + "client\ndev tun\nremote 192.0.2.1 1194 udp\nresolv-retry infinite\nnobind\n"
          + "persist-key\npersist-tun\nremote-cert-tls server\n"
          + "data-ciphers CHACHA20-POLY1305\nexplicit-exit-notify 1\nverb 3\n"
          + "<ca>\n"
          + pki.ca().certPem().strip()
          + "\n</ca>\n<cert>\n"
          + client.certPem().strip()
          + "\n</cert>\n<key>\n"
          + client.keyPem().strip()
          + "\n</key>\n"
          + controlChannel;
    }
  }
}
