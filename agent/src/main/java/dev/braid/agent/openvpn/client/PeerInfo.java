package dev.braid.agent.openvpn.client;

import dev.braid.agent.openvpn.keys.AeadCipher;
import dev.braid.agent.openvpn.multipath.MultipathNegotiation;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The peer-info block of the client's key-method 2 message: what this client is and can do, in
 * OpenVPN 2.6's {@code IV_*} variables, plus Braid's multipath announcement. A 2.6 server picks the
 * data cipher from {@code IV_CIPHERS}, pushes without being asked when {@code IV_PROTO} says
 * REQUEST_PUSH, and exports the data keys from TLS when it says TLS_KEY_EXPORT.
 */
final class PeerInfo {
  static final int IV_PROTO_DATA_V2 = 2;
  static final int IV_PROTO_REQUEST_PUSH = 4;
  static final int IV_PROTO_TLS_KEY_EXPORT = 8;
  static final int IV_PROTO_AUTH_PENDING_KW = 16;
  static final int IV_PROTO_DNS_OPTION = 64;
  static final int IV_PROTO_CC_EXIT_NOTIFY = 128;
  static final int IV_PROTO_AUTH_FAIL_TEMP = 256;

  /** The largest tunnel MTU this client accepts from a push (OpenVPN 2.6 announces 1600). */
  static final int MAX_TUN_MTU = 1600;

  private PeerInfo() {}

  /** The peer-info text ({@code KEY=value} lines, each ending in a newline). */
  static String of(ClientConfig config) {
    List<AeadCipher> ciphers = config.ciphers();
    int proto =
        IV_PROTO_DATA_V2
            | IV_PROTO_REQUEST_PUSH
            | IV_PROTO_AUTH_PENDING_KW
            | IV_PROTO_DNS_OPTION
            | IV_PROTO_CC_EXIT_NOTIFY
            | IV_PROTO_AUTH_FAIL_TEMP;
    if (config.announceKeyExport()) {
      proto |= IV_PROTO_TLS_KEY_EXPORT;
    }
    StringBuilder s = new StringBuilder();
    s.append("IV_VER=").append(config.version()).append('\n');
    s.append("IV_PLAT=").append(config.platform()).append('\n');
    s.append("IV_TCPNL=1\n");
    s.append("IV_MTU=").append(MAX_TUN_MTU).append('\n');
    if (ciphers.contains(AeadCipher.AES_128_GCM) && ciphers.contains(AeadCipher.AES_256_GCM)) {
      s.append("IV_NCP=2\n"); // OpenVPN says so only when both GCM ciphers are allowed
    }
    s.append("IV_CIPHERS=")
        .append(ciphers.stream().map(AeadCipher::openvpnName).collect(Collectors.joining(":")))
        .append('\n');
    s.append("IV_PROTO=").append(proto).append('\n');
    s.append("IV_GUI_VER=").append(config.product()).append('\n');
    if (config.multipath()) {
      s.append(MultipathNegotiation.PEER_INFO_VARIABLE)
          .append('=')
          .append(MultipathNegotiation.VERSION)
          .append('\n');
    }
    return s.toString();
  }

  /**
   * The options string of the key-method 2 message, shaped like a 2.6 client's. The server only
   * compares it with its own and warns on differences.
   */
  static String optionsString(ClientConfig config) {
    return "V4,dev-type tun,link-mtu 1549,tun-mtu 1500,proto "
        + (config.tcp() ? "TCPv4_CLIENT" : "UDPv4")
        + ",auth SHA1,keysize 128"
        + (config.tlsAuth() ? ",tls-auth" : "")
        + ",key-method 2,tls-client";
  }
}
