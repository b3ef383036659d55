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
 * What one node's agent sees of one gateway: sessions, paths, kernel capabilities, errors. Written
 * by that agent, owned by its {@link VPNGateway}, named {@code <gateway>-<node>}.
 */
@Group(VPNGateway.GROUP)
@Version(VPNGateway.VERSION)
@Kind("VPNGatewayNode")
@Singular("vpngatewaynode")
@Plural("vpngatewaynodes")
@ShortNames("vpngwn")
@AdditionalPrinterColumn(name = "GATEWAY", type = Type.STRING, jsonPath = ".spec.gateway")
@AdditionalPrinterColumn(name = "NODE", type = Type.STRING, jsonPath = ".spec.node")
@AdditionalPrinterColumn(name = "SERVING", type = Type.BOOLEAN, jsonPath = ".status.serving")
@AdditionalPrinterColumn(name = "SESSIONS", type = Type.INTEGER, jsonPath = ".status.sessionCount")
@AdditionalPrinterColumn(name = "WORKERS", type = Type.INTEGER, jsonPath = ".status.workers")
@AdditionalPrinterColumn(name = "HEARTBEAT", type = Type.DATE, jsonPath = ".status.heartbeat")
@AdditionalPrinterColumn(
    name = "ERROR",
    type = Type.STRING,
    jsonPath = ".status.lastError.message",
    priority = 1)
@AdditionalPrinterColumn(name = "AGE", type = Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class VPNGatewayNode extends CustomResource<VPNGatewayNodeSpec, VPNGatewayNodeStatus>
    implements Namespaced {}
