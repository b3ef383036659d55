/**
 * The control channel's reliable layer: ordered, acknowledged delivery of control messages over a
 * lossy path. Wire compatible with OpenVPN 2.6 (per-key message ids, ACK arrays), but it repairs
 * loss faster than upstream: recent ids are re-acknowledged in every packet, a send window blocked
 * by its oldest packet resends that packet at once, three later ACKs trigger a fast retransmit, and
 * the retransmit timeout follows the measured round trip (RFC 6298) instead of a fixed two seconds.
 * Because the peer is usually a stock client that repairs loss only on its own 2 s timer, dedicated
 * ACKs are sent several times and, once loss has been seen, so are messages. {@link
 * dev.braid.agent.openvpn.reliable.ReliableConfig} also describes upstream's behaviour so tests can
 * show the difference.
 */
package dev.braid.agent.openvpn.reliable;
