/**
 * The agent process: {@link dev.braid.agent.runtime.AgentMain} reads the one config document, opens
 * the multiqueue TUN device and gives it the gateway's address, starts the engine (the UDP workers
 * and, with TCP, the TCP loop on the same port) with the OpenVPN gateway on every loop, and the
 * control side, and stops all of it cleanly on SIGTERM. The same entry point serves pod mode
 * (environment from the downward API, status published to Kubernetes) and standalone mode (status
 * only in logs and metrics).
 */
package dev.braid.agent.runtime;
