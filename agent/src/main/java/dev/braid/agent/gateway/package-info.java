/**
 * The OpenVPN server on the engine, protocol glue only: one {@link
 * dev.braid.agent.openvpn.session.ServerSessions} table per loop (each UDP worker, and the TCP
 * loop), fed by that loop's packets and timer through the engine's handler seam, writing decrypted
 * packets to TUN; packets read from TUN find their session through a shared tunnel-address map and,
 * when another loop owns that session, travel to it through a bounded hand-off queue instead of
 * touching its state. Peer-ids come from the engine's {@link dev.braid.agent.engine.SessionTable},
 * so the steering program keeps every data packet of a session on its owner, whichever address it
 * comes from. Nothing here does I/O: unit tests run it on loops in memory.
 */
package dev.braid.agent.gateway;
