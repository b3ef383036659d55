package dev.braid.agent.openvpn.push;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a PUSH_REPLY. Options are comma-separated; OpenVPN clients reject replies that do not fit
 * their control buffer, so {@link #build()} refuses anything over {@link #MAX_LENGTH}.
 */
public final class PushReply {
  public static final int MAX_LENGTH = 1024;

  private final List<String> options = new ArrayList<>();

  /** topology subnet: ifconfig address/netmask, route-gateway = the server's tunnel address. */
  public PushReply ipv4(String clientAddress, String netmask, String gateway) {
    options.add("route-gateway " + gateway);
    options.add("topology subnet");
    options.add("ifconfig " + clientAddress + " " + netmask);
    return this;
  }

  /** IPv6 tunnel address with prefix length and the server's IPv6 tunnel address. */
  public PushReply ipv6(String clientAddress, int prefixLength, String serverAddress) {
    options.add("ifconfig-ipv6 " + clientAddress + "/" + prefixLength + " " + serverAddress);
    return this;
  }

  public PushReply route(String network, String netmask) {
    options.add("route " + network + " " + netmask);
    return this;
  }

  public PushReply routeIpv6(String cidr) {
    options.add("route-ipv6 " + cidr);
    return this;
  }

  /** DNS server (2.6 "dns server" syntax). */
  public PushReply dnsServer(int priority, String address) {
    options.add("dns server " + priority + " address " + address);
    return this;
  }

  public PushReply keepalive(int pingSeconds, int pingRestartSeconds) {
    options.add("ping " + pingSeconds);
    options.add("ping-restart " + pingRestartSeconds);
    return this;
  }

  public PushReply peerId(int peerId) {
    options.add("peer-id " + peerId);
    return this;
  }

  public PushReply cipher(String openvpnName) {
    options.add("cipher " + openvpnName);
    return this;
  }

  /** cc-exit (EXIT over the control channel) and, if the keys were exported from TLS, tls-ekm. */
  public PushReply protocolFlags(boolean tlsEkm) {
    options.add(tlsEkm ? "protocol-flags cc-exit tls-ekm" : "protocol-flags cc-exit");
    return this;
  }

  /**
   * Socket receive buffer for the client's tunnel socket (OpenVPN 2.6 applies a pushed {@code
   * rcvbuf} at once; its kernel caps it at {@code net.core.rmem_max}).
   */
  public PushReply receiveBuffer(int bytes) {
    options.add("rcvbuf " + bytes);
    return this;
  }

  public PushReply option(String raw) {
    if (raw.contains(",") || raw.contains("\0")) {
      throw new IllegalArgumentException("push option may not contain ',' or NUL: " + raw);
    }
    options.add(raw);
    return this;
  }

  /** The message text without the trailing NUL. */
  public String build() {
    String s = "PUSH_REPLY," + String.join(",", options);
    if (s.length() > MAX_LENGTH) {
      throw new IllegalStateException(
          "PUSH_REPLY is " + s.length() + " bytes, limit " + MAX_LENGTH);
    }
    return s;
  }
}
