/**
 * JOSDK reconcilers and their dependents. {@link
 * dev.braid.operator.reconciler.VPNGatewayReconciler} validates a gateway, runs a workflow of one
 * dependent per owned object (each applied with server-side apply under the {@code braid-operator}
 * field manager) and writes a fresh status; {@link
 * dev.braid.operator.reconciler.VPNClientReconciler} issues client certificates, keeps the profile
 * Secret current and revokes certificates of deleted clients. Desired state comes from {@code
 * dev.braid.operator.model}, {@code pki} and {@code profile}; this package only wires it.
 */
package dev.braid.operator.reconciler;
