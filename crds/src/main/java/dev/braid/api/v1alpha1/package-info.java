/**
 * The Braid API, group {@code braid.dev}, version {@code v1alpha1}: {@link
 * dev.braid.api.v1alpha1.VPNGateway} (what to run and where), {@link
 * dev.braid.api.v1alpha1.VPNClient} (one client and its profile) and {@link
 * dev.braid.api.v1alpha1.VPNGatewayNode} (what one node's agent sees). Shape and cross-field rules
 * live here as CRD validation (CEL) so that {@code kubectl apply} rejects bad objects with a
 * message a person understands; rules that need other objects are checked by the operator.
 */
package dev.braid.api.v1alpha1;
