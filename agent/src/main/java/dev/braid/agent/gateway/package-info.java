/**
 * The OpenVPN server running on the engine: one {@link
 * dev.braid.agent.openvpn.session.ServerSessions} table per worker, fed by that worker's datagrams
 * and timer, writing decrypted packets to its TUN queue; packets read from TUN find their session
 * through a shared tunnel-address map and, when another worker owns that session, travel to it
 * through a bounded hand-off queue instead of touching its state. Peer-ids come from the engine's
 * {@link dev.braid.agent.engine.SessionTable}, so the steering program keeps every data packet of a
 * session on its owner, whichever address it comes from.
 */
package dev.braid.agent.gateway;
