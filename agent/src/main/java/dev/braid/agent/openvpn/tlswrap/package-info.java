/**
 * Control-channel wrapping that runs before any state is created for a peer: tls-auth (HMAC) and
 * tls-crypt (AES-256-CTR + HMAC-SHA256) with their replay protection, the OpenVPN static key file,
 * the stateless HMAC reset cookie and a reset rate limiter. These stages turn wire bytes into plain
 * control packets for {@link dev.braid.agent.openvpn.wire.ControlCodec}, or into a counted drop.
 */
package dev.braid.agent.openvpn.tlswrap;
