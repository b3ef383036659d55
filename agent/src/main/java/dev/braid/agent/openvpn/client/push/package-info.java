/**
 * What a server pushes to a client, typed: {@link
 * dev.braid.agent.openvpn.client.push.PushReplyReader} joins a PUSH_REPLY and its continuations,
 * {@link dev.braid.agent.openvpn.client.push.PushedOptionsParser} turns the options into {@link
 * dev.braid.agent.openvpn.client.push.PushedOptions} (tunnel addresses, routes, keepalive, data
 * channel, DNS, Braid's multipath offer), keeping options it does not know verbatim.
 */
package dev.braid.agent.openvpn.client.push;
