package dev.braid.operator.reconciler;

import dev.braid.api.v1alpha1.VPNGateway;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;

/**
 * A dependent of a gateway whose name follows from the gateway's name, so JOSDK finds the actual
 * object without computing the desired one (which for the PKI would mean generating keys).
 */
abstract class GatewayDependent<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, VPNGateway> {

  GatewayDependent(Class<R> type) {
    super(type);
  }

  /** Name of the owned object for a gateway name. */
  abstract String objectName(String gateway);

  /** The gateway is the controller of the object, so {@code kubectl describe} says who owns it. */
  @Override
  protected void addReferenceHandlingMetadata(R desired, VPNGateway primary) {
    desired.getMetadata().setOwnerReferences(List.of(Owners.controller(primary)));
  }

  @Override
  protected ResourceID targetSecondaryResourceID(VPNGateway primary, Context<VPNGateway> context) {
    return new ResourceID(
        objectName(primary.getMetadata().getName()), primary.getMetadata().getNamespace());
  }
}
