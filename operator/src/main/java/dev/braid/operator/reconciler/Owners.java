package dev.braid.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Owner references the operator puts on what it creates. */
final class Owners {
  private Owners() {}

  /**
   * A controller reference: garbage collection deletes the object with its owner. No
   * blockOwnerDeletion, which would need extra rights on the owner's finalizers.
   */
  static OwnerReference controller(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .build();
  }
}
