/**
 * What the server pushes to a client once keys are agreed: its tunnel addresses (from a pool,
 * topology subnet, IPv4 and IPv6), routes, DNS, keepalive, peer-id, the negotiated cipher and
 * protocol flags, as the PUSH_REPLY control message.
 */
package dev.braid.agent.openvpn.push;
