/**
 * OpenVPN wire format: opcode/key-id byte, control packets (session ids, ACK arrays, message ids),
 * the DATA_V2 header and TCP length framing. Decoding is strict and never throws on peer input:
 * every malformed shape maps to its own {@link dev.braid.agent.openvpn.wire.DropReason} so drops
 * can be counted by cause.
 */
package dev.braid.agent.openvpn.wire;
