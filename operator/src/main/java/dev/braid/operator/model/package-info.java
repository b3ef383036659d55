/**
 * Desired state as plain objects, computed from a {@link dev.braid.api.v1alpha1.VPNGateway} without
 * a cluster: the agent config document, the DaemonSet, the agent RBAC, semantic validation of the
 * spec, the aggregation of node reports into status, and which VPNClients get their fixed
 * addresses. Nothing here talks to the API server, so every rule is unit-tested; the reconcilers
 * only wire these pieces to Kubernetes.
 */
package dev.braid.operator.model;
