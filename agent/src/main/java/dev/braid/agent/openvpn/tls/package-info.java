/**
 * TLS for the control channel via {@link javax.net.ssl.SSLEngine}, sans I/O: ciphertext chunks in
 * and out (carried by the reliable layer), plaintext in and out (key-method 2 and text messages).
 * The server context requires client certificates, validates them against the configured CA
 * (validity, optional CRLs) and demands the clientAuth extended key usage. The client context
 * validates the server's chain against the profile's CA and applies OpenVPN's checks on the server
 * certificate ({@code remote-cert-tls server}, {@code ns-cert-type}, {@code remote-cert-eku},
 * {@code verify-x509-name}); keys are read from PKCS#8, PKCS#1 or SEC1 PEM.
 */
package dev.braid.agent.openvpn.tls;
