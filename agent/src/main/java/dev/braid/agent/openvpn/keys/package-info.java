/**
 * Key exchange after TLS: the key-method 2 messages, data-channel cipher negotiation from the
 * client's IV_CIPHERS, and derivation of the 256 bytes of data-channel key material, by TLS
 * keying-material export ({@code EXPORTER-OpenVPN-datakeys}) or by OpenVPN's TLS 1.0 PRF when the
 * client cannot export.
 */
package dev.braid.agent.openvpn.keys;
