/**
 * The TCP transport above the native sockets, in plain Java: one {@link
 * dev.braid.agent.transport.tcp.TcpPeer} per accepted connection hands stream bytes to a
 * caller-supplied frame decoder and, when the connection ends, says how it ended. A FIN followed by
 * a reset (the peer closed, then aborted what we still sent: Winsock's 10053) is a different
 * failure from a bare reset (10054) or a timeout; {@link
 * dev.braid.agent.transport.tcp.DisconnectClassifier} tells them apart from the order of events and
 * the errno Linux chose, and {@link dev.braid.agent.transport.tcp.DisconnectCounters} counts them
 * for the node status.
 */
package dev.braid.agent.transport.tcp;
