/**
 * Client profiles: the {@code .ovpn} text a stock OpenVPN 2.6 client uses as-is, with the CA,
 * client certificate, key and control-channel key inline, remotes from the gateway nodes or the
 * client's own endpoints, and the cipher list the gateway accepts. Pure text rendering, testable
 * without a cluster.
 */
package dev.braid.operator.profile;
