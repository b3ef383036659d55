package dev.braid.operator.model;

import dev.braid.api.v1alpha1.VPNGatewayStatus;
import dev.braid.operator.profile.ClientProfile;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A VPNClient's conditions, in the VPNGateway's vocabulary: {@code Ready} says whether the profile
 * is usable, {@code Degraded} names a spec problem the CRD cannot express (an unusable {@code
 * spec.address}).
 */
public final class ClientConditions {
  private ClientConditions() {}

  /**
   * What the reconciler observed.
   *
   * @param problem why the profile is not usable (with its {@code reason}), or null when it is
   * @param profileSecret the Secret holding the profile when it is usable
   * @param refusal why the client does not get its {@code spec.address}, if it does not
   */
  public record Observation(
      String reason,
      String problem,
      String profileSecret,
      Optional<FixedAddresses.Refusal> refusal,
      long generation,
      Instant now) {}

  /** Ready and Degraded; transition times carry over from {@code before} while unchanged. */
  public static List<Condition> of(List<Condition> before, Observation o) {
    boolean ready = o.problem() == null;
    return List.of(
        Conditions.of(
            before,
            VPNGatewayStatus.READY,
            ready,
            ready ? "ProfileReady" : o.reason(),
            ready
                ? "Secret "
                    + o.profileSecret()
                    + " key "
                    + ClientProfile.PROFILE_KEY
                    + " is ready to use"
                : o.problem(),
            o.generation(),
            o.now()),
        Conditions.of(
            before,
            VPNGatewayStatus.DEGRADED,
            o.refusal().isPresent(),
            o.refusal().map(FixedAddresses.Refusal::reason).orElse("AsExpected"),
            o.refusal().map(FixedAddresses.Refusal::message).orElse("no problem found in the spec"),
            o.generation(),
            o.now()));
  }
}
