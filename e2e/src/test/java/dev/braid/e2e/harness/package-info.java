/**
 * Test harness for cross-process tests: network namespaces joined by veth links, a PKI made with
 * the {@code openssl} command, stock {@code openvpn} processes whose logs are watched line by line,
 * and packet loss injected with nftables (this kernel has no netem). Everything runs as root and
 * cleans up after itself.
 */
package dev.braid.e2e.harness;
