package dev.braid.agent.openvpn.client.push;

/**
 * The pushed IPv6 tunnel address ({@code ifconfig-ipv6 address/bits remote}).
 *
 * @param address this client's tunnel address
 * @param prefixLength its prefix length
 * @param remote the server's tunnel address, or null when not given
 */
public record Ifconfig6(String address, int prefixLength, String remote) {}
