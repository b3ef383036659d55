package dev.braid.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A VPN gateway: the operator runs it as a DaemonSet of agents on the selected nodes and reports in
 * {@link VPNGatewayStatus} whether traffic can flow.
 */
@Group(VPNGateway.GROUP)
@Version(VPNGateway.VERSION)
@Kind("VPNGateway")
@Singular("vpngateway")
@Plural("vpngateways")
@ShortNames("vpngw")
@AdditionalPrinterColumn(
    name = "READY",
    type = Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "REASON",
    type = Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "NODES", type = Type.STRING, jsonPath = ".status.nodesReady")
@AdditionalPrinterColumn(name = "SESSIONS", type = Type.INTEGER, jsonPath = ".status.sessions")
@AdditionalPrinterColumn(name = "PORT", type = Type.INTEGER, jsonPath = ".spec.port")
@AdditionalPrinterColumn(name = "MODE", type = Type.STRING, jsonPath = ".spec.mode", priority = 1)
@AdditionalPrinterColumn(name = "AGE", type = Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class VPNGateway extends CustomResource<VPNGatewaySpec, VPNGatewayStatus>
    implements Namespaced {
  /** API group of every Braid kind. */
  public static final String GROUP = "braid.dev";

  /** API version of this model. */
  public static final String VERSION = "v1alpha1";
}
