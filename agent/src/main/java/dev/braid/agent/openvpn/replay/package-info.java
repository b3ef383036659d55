/**
 * Replay protection shared by the control-channel wrapping (tls-auth, tls-crypt) and the data
 * channel: a sliding window of packet ids with a time limit on how late a reordered packet may
 * arrive.
 */
package dev.braid.agent.openvpn.replay;
