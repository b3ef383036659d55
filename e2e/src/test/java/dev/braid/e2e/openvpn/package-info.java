/** Tests and benchmarks with stock OpenVPN 2.6 peers in network namespaces. */
package dev.braid.e2e.openvpn;
