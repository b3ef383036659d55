/**
 * Test harness for cross-process tests: network namespaces joined by veth links, a PKI made with
 * the {@code openssl} command, stock {@code openvpn} processes whose logs are watched line by line,
 * and packet loss injected with nftables (this kernel has no netem). The multipath test bed ({@link
 * dev.braid.e2e.harness.MultipathTopology}) adds routed paths through router namespaces, shaped per
 * path and direction (tbf rate, a user-space delay line, nft loss and blackholes), kernel MPTCP
 * set-up, and the measuring tools (iperf3, ping, nstat, a sequenced probe stream). Everything runs
 * as root and cleans up after itself.
 */
package dev.braid.e2e.harness;
