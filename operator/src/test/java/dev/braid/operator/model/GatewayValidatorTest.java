package dev.braid.operator.model;

import static dev.braid.operator.testing.Gateways.gateway;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.api.v1alpha1.TlsSettings;
import dev.braid.api.v1alpha1.VPNGateway;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GatewayValidatorTest {
  private static VPNGateway created(String name, String at) {
    VPNGateway g = gateway("ns", name);
    g.getMetadata().setCreationTimestamp(at);
    return g;
  }

  @Test
  void validGatewayHasNoProblems() {
    VPNGateway g = created("a", "2026-01-01T00:00:00Z");
    g.getSpec().routes = List.of("10.96.0.0/12");
    assertThat(GatewayValidator.validate(g, List.of(g), Optional.empty())).isEmpty();
  }

  @Test
  void overlappingPoolIsTheNewerGatewaysProblemOnly() {
    VPNGateway older = created("older", "2026-01-01T00:00:00Z");
    VPNGateway newer = created("newer", "2026-01-02T00:00:00Z");
    newer.getSpec().network.ipv4 = "10.8.0.128/25";
    newer.getSpec().port = 1195;

    assertThat(GatewayValidator.validate(newer, List.of(older, newer), Optional.empty()))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("spec.network.ipv4");
              assertThat(p.reason()).isEqualTo("PoolOverlap");
              assertThat(p.message())
                  .isEqualTo(
                      "10.8.0.128/25 overlaps 10.8.0.0/24 of VPNGateway older; choose a disjoint pool");
            });
    assertThat(GatewayValidator.validate(older, List.of(older, newer), Optional.empty())).isEmpty();
  }

  @Test
  void samePortConflictsOnlyWhenNodeSelectorsCanMatchOneNode() {
    VPNGateway older = created("older", "2026-01-01T00:00:00Z");
    older.getSpec().nodeSelector = Map.of("zone", "a");
    VPNGateway newer = created("newer", "2026-01-02T00:00:00Z");
    newer.getSpec().network.ipv4 = "10.9.0.0/24";
    newer.getSpec().nodeSelector = Map.of("zone", "b");
    assertThat(GatewayValidator.validate(newer, List.of(older), Optional.empty())).isEmpty();

    newer.getSpec().nodeSelector = Map.of("zone", "a", "edge", "true");
    assertThat(GatewayValidator.validate(newer, List.of(older), Optional.empty()))
        .extracting(SpecProblem::field)
        .containsExactly("spec.port");
  }

  @Test
  void missingTlsSecretNamesTheField() {
    VPNGateway g = created("a", "2026-01-01T00:00:00Z");
    g.getSpec().tls = new TlsSettings();
    g.getSpec().tls.secretName = "mine";
    assertThat(GatewayValidator.validate(g, List.of(), Optional.empty()))
        .extracting(SpecProblem::field, SpecProblem::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("spec.tls.secretName", "SecretNotFound"));
    assertThat(
            GatewayValidator.validate(
                g,
                List.of(),
                Optional.of(Set.of("ca.crt", "tls.crt", "tls.key", "ta.key", "ca.key"))))
        .isEmpty();
  }
}
