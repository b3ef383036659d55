/**
 * Test support shared by every module's integration tests (published as the crds test-jar): a real
 * kube-apiserver and etcd, the Braid CRDs installed on it, and {@code kubectl} against it.
 */
package dev.braid.api.testing;
