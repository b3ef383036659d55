package dev.braid.operator.reconciler;

import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.operator.model.GatewayNames;
import dev.braid.operator.pki.GatewayPki;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.time.Clock;

/**
 * The operator-managed PKI of a gateway that references no Secret of its own. Existing material is
 * kept as long as it is valid, so reconciling again writes nothing; the server certificate is
 * renewed before it expires.
 */
@KubernetesDependent(informer = @Informer(labelSelector = GatewayPkiSecretDependent.SELECTOR))
public class GatewayPkiSecretDependent extends GatewayDependent<Secret> {
  static final String SELECTOR = GatewayNames.COMPONENT_LABEL + "=" + GatewayNames.PKI;

  private final Clock clock;

  /** Created by JOSDK. */
  public GatewayPkiSecretDependent() {
    this(Clock.systemUTC());
  }

  GatewayPkiSecretDependent(Clock clock) {
    super(Secret.class);
    this.clock = clock;
  }

  @Override
  String objectName(String gateway) {
    return GatewayNames.pki(gateway);
  }

  @Override
  protected Secret desired(VPNGateway gateway, Context<VPNGateway> context) {
    String name = gateway.getMetadata().getName();
    var existing = SecretData.decode(getSecondaryResource(gateway, context).orElse(null));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(GatewayNames.pki(name))
        .withNamespace(gateway.getMetadata().getNamespace())
        .withLabels(GatewayNames.labels(name, GatewayNames.PKI))
        .endMetadata()
        .withType("Opaque")
        .withData(SecretData.encode(GatewayPki.ensure(existing, name, clock.instant())))
        .build();
  }
}
