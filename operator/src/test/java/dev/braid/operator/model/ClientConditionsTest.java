package dev.braid.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientConditionsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T00:05:00Z");
  private static final FixedAddresses.Refusal TAKEN =
      new FixedAddresses.Refusal(
          FixedAddresses.TAKEN, "spec.address 10.8.0.60 is already held by VPNClient zed");

  @Test
  void refusedAddressIsDegradedAndNotReadyNamingTheFieldAndTheHolder() {
    List<Condition> c =
        ClientConditions.of(
            List.of(),
            new ClientConditions.Observation(
                TAKEN.reason(), TAKEN.message(), null, Optional.of(TAKEN), 3, T0));
    assertThat(c).extracting(Condition::getType).containsExactly("Ready", "Degraded");
    assertThat(Conditions.find(c, "Degraded").orElseThrow())
        .satisfies(
            d -> {
              assertThat(d.getStatus()).isEqualTo("True");
              assertThat(d.getReason()).isEqualTo("AddressTaken");
              assertThat(d.getMessage()).contains("spec.address", "VPNClient zed");
              assertThat(d.getObservedGeneration()).isEqualTo(3L);
            });
    assertThat(Conditions.find(c, "Ready").orElseThrow())
        .satisfies(
            r -> {
              assertThat(r.getStatus()).isEqualTo("False");
              assertThat(r.getReason()).isEqualTo("AddressTaken");
            });
  }

  @Test
  void degradedClearsWhenTheAddressIsGrantedAndReadyKeepsOnlyItsOwnTransitionTime() {
    List<Condition> degraded =
        ClientConditions.of(
            List.of(),
            new ClientConditions.Observation(
                TAKEN.reason(), TAKEN.message(), null, Optional.of(TAKEN), 1, T0));
    List<Condition> cleared =
        ClientConditions.of(
            degraded,
            new ClientConditions.Observation(null, null, "amy-profile", Optional.empty(), 1, T1));
    assertThat(Conditions.isTrue(cleared, "Degraded")).isFalse();
    assertThat(Conditions.find(cleared, "Degraded").orElseThrow().getReason())
        .isEqualTo("AsExpected");
    assertThat(Conditions.find(cleared, "Degraded").orElseThrow().getLastTransitionTime())
        .isEqualTo(T1.toString());
    assertThat(Conditions.find(cleared, "Ready").orElseThrow().getMessage())
        .isEqualTo("Secret amy-profile key client.ovpn is ready to use");

    List<Condition> again =
        ClientConditions.of(
            cleared,
            new ClientConditions.Observation(
                null, null, "amy-profile", Optional.empty(), 1, T1.plusSeconds(60)));
    assertThat(again).isEqualTo(cleared);
  }
}
