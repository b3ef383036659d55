/**
 * Test support: a real kube-apiserver with the Braid CRDs and the operator's RBAC from {@code
 * deploy/}, the operator running under its own ServiceAccount (in this JVM, or as the packaged jar
 * in its own process, as a Deployment runs it), and clients that act as an agent under the agents'
 * ServiceAccount.
 */
package dev.braid.operator.testing;
