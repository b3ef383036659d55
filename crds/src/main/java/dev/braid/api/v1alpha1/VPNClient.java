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
 * One client of a gateway: the operator issues its certificate and writes a ready-to-use OpenVPN
 * profile into a Secret; status shows whether it is connected.
 */
@Group(VPNGateway.GROUP)
@Version(VPNGateway.VERSION)
@Kind("VPNClient")
@Singular("vpnclient")
@Plural("vpnclients")
@ShortNames("vpnc")
@AdditionalPrinterColumn(name = "GATEWAY", type = Type.STRING, jsonPath = ".spec.gateway")
@AdditionalPrinterColumn(
    name = "READY",
    type = Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "CONNECTED", type = Type.BOOLEAN, jsonPath = ".status.connected")
@AdditionalPrinterColumn(name = "ADDRESS", type = Type.STRING, jsonPath = ".status.address")
// a string: kubectl shows a date column as an age, and a future date as "<invalid>"
@AdditionalPrinterColumn(name = "EXPIRES", type = Type.STRING, jsonPath = ".status.notAfter")
@AdditionalPrinterColumn(
    name = "PROFILE",
    type = Type.STRING,
    jsonPath = ".status.profileSecret",
    priority = 1)
@AdditionalPrinterColumn(name = "AGE", type = Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class VPNClient extends CustomResource<VPNClientSpec, VPNClientStatus>
    implements Namespaced {}
