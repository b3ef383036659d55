package dev.braid.operator.reconciler;

import dev.braid.api.v1alpha1.VPNGateway;
import java.util.List;
import java.util.Map;

/**
 * What the reconciler gathered for a client's profile, handed to the profile dependent.
 *
 * @param gateway the client's gateway
 * @param pki the gateway's TLS Secret data (must hold ca.crt and ca.key)
 * @param remotes {@code host:port} endpoints for the profile
 */
record ClientInputs(VPNGateway gateway, Map<String, String> pki, List<String> remotes) {
  static final String KEY = ClientInputs.class.getName();
}
