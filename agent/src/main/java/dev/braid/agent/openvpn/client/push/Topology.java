package dev.braid.agent.openvpn.client.push;

/**
 * How the tunnel addresses are laid out ({@code topology}); OpenVPN 2.6 clients default to NET30.
 */
public enum Topology {
  /** One /30 per client: {@code ifconfig local remote}. */
  NET30,
  /** Point to point: {@code ifconfig local remote}. */
  P2P,
  /** One subnet for all clients: {@code ifconfig address netmask}, {@code route-gateway}. */
  SUBNET
}
