/**
 * Braid's OpenVPN 2.6 client, sans I/O, for site agents that connect to hubs (Braid hubs with
 * multipath, or stock OpenVPN servers as an ordinary client). A {@link
 * dev.braid.agent.openvpn.client.ClientSession} takes datagrams with the path they came over and an
 * explicit time and hands back datagrams with the path to send them on, plus {@link
 * dev.braid.agent.openvpn.client.ClientEvent}s: connected with the pushed options, tunnel packets,
 * renegotiations, the end with its reason. {@link dev.braid.agent.openvpn.client.ClientConfigs}
 * makes its configuration from a parsed profile ({@code client.profile}); {@link
 * dev.braid.agent.openvpn.client.ReconnectPolicy} decides when and where to try again. Sockets, the
 * tunnel device, routes and path scheduling belong to the caller.
 */
package dev.braid.agent.openvpn.client;
