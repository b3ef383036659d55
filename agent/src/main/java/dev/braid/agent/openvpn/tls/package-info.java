/**
 * TLS for the control channel via {@link javax.net.ssl.SSLEngine}, sans I/O: ciphertext chunks in
 * and out (carried by the reliable layer), plaintext in and out (key-method 2 and text messages).
 * The server context requires client certificates, validates them against the configured CA
 * (validity, optional CRLs) and demands the clientAuth extended key usage.
 */
package dev.braid.agent.openvpn.tls;
