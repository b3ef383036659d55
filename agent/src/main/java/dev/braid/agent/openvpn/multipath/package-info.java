/**
 * The glue between an OpenVPN session's data channel and a {@link
 * dev.braid.agent.multipath.MultipathLink}: negotiation ({@code IV_BRAID_MP} in peer-info, the
 * pushed {@code braid-multipath} option) and {@link
 * dev.braid.agent.openvpn.multipath.MultipathChannel}, which opens, schedules, seals and reorders
 * data packets over a session's paths. Used alike by the hub's server sessions and the site's
 * client session, so both ends run one implementation. Pure Java, no I/O.
 */
package dev.braid.agent.openvpn.multipath;
