package dev.braid.agent.openvpn.client.push;

/**
 * A pushed IPv4 route ({@code route network [netmask [gateway [metric]]]}).
 *
 * @param network destination network (or host name, as OpenVPN allows)
 * @param netmask netmask; {@code 255.255.255.255} when not given
 * @param gateway next hop, or null for the pushed {@code route-gateway}
 * @param metric route metric, or -1 when not given
 */
public record Route(String network, String netmask, String gateway, int metric) {}
