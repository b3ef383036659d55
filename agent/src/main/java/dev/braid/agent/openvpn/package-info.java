/**
 * OpenVPN 2.6 protocol for Braid's gateway, written as sans-I/O stages: each stage takes bytes
 * (with the path they came over) and an explicit time, and returns bytes to send, so the whole
 * protocol runs in memory in tests and plugs into any transport (the engine's per-worker UDP
 * handler, a TCP stream) unchanged.
 */
package dev.braid.agent.openvpn;
