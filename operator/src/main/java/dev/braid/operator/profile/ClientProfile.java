package dev.braid.operator.profile;

import dev.braid.api.v1alpha1.ControlChannelProtection;
import dev.braid.api.v1alpha1.DataCipher;
import dev.braid.api.v1alpha1.HmacDigest;
import dev.braid.api.v1alpha1.Transport;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything a profile says, and its rendering as {@code .ovpn} text.
 *
 * @param remotes {@code host:port} endpoints (IPv6 as {@code [addr]:port}), tried in order
 * @param transports transports the gateway accepts; UDP is preferred when both are
 * @param ciphers data-channel ciphers the gateway accepts
 * @param controlChannel control-channel wrapping
 * @param authDigest HMAC digest for tls-auth, or null for SHA256
 * @param caPem CA certificate
 * @param certPem client certificate
 * @param keyPem client key
 * @param staticKey tls-crypt/tls-auth key, or null when the control channel is not wrapped
 */
public record ClientProfile(
    List<String> remotes,
    List<Transport> transports,
    List<DataCipher> ciphers,
    ControlChannelProtection controlChannel,
    HmacDigest authDigest,
    String caPem,
    String certPem,
    String keyPem,
    String staticKey) {

  /** Secret key holding the rendered profile. */
  public static final String PROFILE_KEY = "client.ovpn";

  /** The profile text. */
  public String render() {
    StringBuilder p = new StringBuilder();
    p.append("# Braid VPN client profile; use as-is: openvpn --config client.ovpn\n");
    p.append("client\n");
    p.append("dev tun\n");
    boolean udp = transports.isEmpty() || transports.contains(Transport.UDP);
    for (String remote : remotes) {
      Endpoint e = Endpoint.parse(remote);
      if (udp) {
        p.append("remote ").append(e.host()).append(' ').append(e.port()).append(" udp\n");
      }
      if (transports.contains(Transport.TCP)) {
        p.append("remote ").append(e.host()).append(' ').append(e.port()).append(" tcp-client\n");
      }
    }
    p.append("resolv-retry infinite\n");
    p.append("nobind\n");
    p.append("persist-key\n");
    p.append("persist-tun\n");
    p.append("remote-cert-tls server\n");
    p.append("data-ciphers ")
        .append(ciphers.stream().map(ClientProfile::openvpnName).collect(Collectors.joining(":")))
        .append('\n');
    if (udp) {
      // ignored (with a warning) on TCP remotes; tells the gateway at once that the session ended
      p.append("explicit-exit-notify 1\n");
    }
    p.append("verb 3\n");
    inline(p, "ca", caPem);
    inline(p, "cert", certPem);
    inline(p, "key", keyPem);
    switch (controlChannel) {
      case TLS_CRYPT -> inline(p, "tls-crypt", staticKey);
      case TLS_AUTH -> {
        p.append("auth ").append(authDigest == null ? "SHA256" : authDigest.name()).append('\n');
        p.append("key-direction 1\n");
        inline(p, "tls-auth", staticKey);
      }
      case NONE -> {}
    }
    return p.toString();
  }

  private static void inline(StringBuilder p, String tag, String pem) {
    p.append('<')
        .append(tag)
        .append(">\n")
        .append(pem.strip())
        .append("\n</")
        .append(tag)
        .append(">\n");
  }

  private static String openvpnName(DataCipher c) {
    return switch (c) {
      case AES_256_GCM -> "AES-256-GCM";
      case AES_128_GCM -> "AES-128-GCM";
      case CHACHA20_POLY1305 -> "CHACHA20-POLY1305";
    };
  }
}
