/**
 * Test support: a real kube-apiserver with the Braid CRDs and the operator's RBAC from {@code
 * deploy/}, the operator running under its own ServiceAccount, and clients that act as an agent
 * under the agents' ServiceAccount.
 */
package dev.braid.operator.testing;
