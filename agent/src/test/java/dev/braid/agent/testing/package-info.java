/**
 * Test support shared by the agent's integration tests and e2e: network namespaces, veth pairs and
 * bridges driven through {@code ip}, and simple handlers that make the engine observable.
 */
package dev.braid.agent.testing;
