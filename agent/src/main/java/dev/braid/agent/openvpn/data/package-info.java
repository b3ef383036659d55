/**
 * The AEAD data channel (DATA_V2 with AES-GCM or ChaCha20-Poly1305): packet-id based IVs, header as
 * additional data, replay window, and recognition of OpenVPN's in-band ping and exit-notify
 * payloads.
 */
package dev.braid.agent.openvpn.data;
