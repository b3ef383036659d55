package dev.braid.agent.openvpn.client.push;

/**
 * The pushed IPv4 tunnel address ({@code ifconfig a b}). Under {@link Topology#SUBNET} {@code b} is
 * the netmask; under {@link Topology#NET30} and {@link Topology#P2P} it is the remote end.
 *
 * @param address this client's tunnel address
 * @param second netmask or remote end, depending on the topology
 */
public record Ifconfig(String address, String second) {}
