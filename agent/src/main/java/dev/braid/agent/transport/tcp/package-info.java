/**
 * The TCP transport in plain Java, all of it: OpenVPN's length framing ({@link
 * dev.braid.agent.transport.tcp.TcpFramer}), one {@link dev.braid.agent.transport.tcp.TcpPeer} per
 * connection (stream bytes to a frame decoder, framed packets through an output queue, and, when
 * the connection ends, how it ended), over a {@link dev.braid.agent.transport.tcp.StreamEndpoint}
 * that the engine backs with a native socket and tests script in memory. A FIN followed by a reset
 * (the peer closed, then aborted what we still sent: Winsock's 10053) is a different failure from a
 * bare reset (10054) or a timeout; {@link dev.braid.agent.transport.tcp.DisconnectClassifier} tells
 * them apart from the order of events and the errno Linux chose, and {@link
 * dev.braid.agent.transport.tcp.DisconnectCounters} counts them for the node status.
 */
package dev.braid.agent.transport.tcp;
