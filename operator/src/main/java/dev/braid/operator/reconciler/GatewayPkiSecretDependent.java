package dev.braid.operator.reconciler;

import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.operator.model.GatewayNames;
import dev.braid.operator.pki.GatewayPki;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
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

  /** Compares content only: the resourceVersion guard is for the apply, not for matching. */
  @Override
  public Matcher.Result<Secret> match(
      Secret actual, Secret desired, VPNGateway primary, Context<VPNGateway> context) {
    Secret content =
        new SecretBuilder(desired).editMetadata().withResourceVersion(null).endMetadata().build();
    return Matcher.Result.computed(
        super.match(actual, content, primary, context).matched(), desired);
  }

  @Override
  protected Secret desired(VPNGateway gateway, Context<VPNGateway> context) {
    String name = gateway.getMetadata().getName();
    Secret actual = getSecondaryResource(gateway, context).orElse(null);
    var existing = SecretData.decode(actual);
    return new SecretBuilder()
        .withNewMetadata()
        // apply only onto the version this was computed from: a revocation written meanwhile by
        // the VPNClient cleaner makes the apply fail and the reconcile retry with it, instead of
        // a forced apply putting the old CRL back
        .withResourceVersion(actual == null ? null : actual.getMetadata().getResourceVersion())
        .withName(GatewayNames.pki(name))
        .withNamespace(gateway.getMetadata().getNamespace())
        .withLabels(GatewayNames.labels(name, GatewayNames.PKI))
        .endMetadata()
        .withType("Opaque")
        .withData(SecretData.encode(GatewayPki.ensure(existing, name, clock.instant())))
        .build();
  }
}
