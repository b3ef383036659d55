/**
 * OpenVPN client profiles ({@code .ovpn}): {@link
 * dev.braid.agent.openvpn.client.profile.ClientProfileParser} reads the profile Braid's operator
 * renders into a hub's VPNClient Secret, and stock-style profiles, into an immutable {@link
 * dev.braid.agent.openvpn.client.profile.ClientProfile}. Options that change the protocol in ways
 * Braid does not implement are errors, harmless ones are warnings; each names its line and option.
 * Pure text: file references are resolved through a {@link
 * dev.braid.agent.openvpn.client.profile.ProfileFiles} the caller supplies.
 */
package dev.braid.agent.openvpn.client.profile;
