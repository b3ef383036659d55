package dev.braid.agent.openvpn.client.push;

/**
 * A pushed IPv6 route ({@code route-ipv6 network/bits [gateway [metric]]}).
 *
 * @param network destination network
 * @param prefixLength its prefix length (128 when not given)
 * @param gateway next hop, or null for the tunnel's remote end
 * @param metric route metric, or -1 when not given
 */
public record Route6(String network, int prefixLength, String gateway, int metric) {}
