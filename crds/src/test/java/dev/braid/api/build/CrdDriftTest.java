package dev.braid.api.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs committed under {@code crds/manifests/}, and the install's copies in {@code
 * deploy/crds/} and {@code deploy/helm/braid/crds/}, are exactly what the build generates.
 */
class CrdDriftTest {
  static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  static final List<Path> COMMITTED =
      List.of(
          Path.of("manifests"), Path.of("../deploy/crds"), Path.of("../deploy/helm/braid/crds"));

  static Iterable<Class<?>> kinds() {
    return CrdFinisher.KINDS.stream().<Class<?>>map(k -> k).toList();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  @SuppressWarnings("unchecked")
  void committedCrdMatchesGenerated(Class<?> kind) throws IOException {
    String name =
        CrdFinisher.fileName(
            (Class<? extends io.fabric8.kubernetes.client.CustomResource<?, ?>>) kind);
    String generated = Files.readString(GENERATED.resolve(name));
    for (Path dir : COMMITTED) {
      String shown = dir.normalize().toString().replace("..", "").replaceFirst("^/", "");
      Path committed = dir.resolve(name);
      assertThat(committed)
          .as(
              "%s/%s is missing; run ./mvnw -pl crds process-test-classes -Dbraid.crds.update",
              shown.equals("manifests") ? "crds/manifests" : shown, name)
          .exists();
      assertThat(Files.readString(committed))
          .as(
              "%s/%s differs from what the build generates; run"
                  + " ./mvnw -pl crds process-test-classes -Dbraid.crds.update and commit the result",
              shown.equals("manifests") ? "crds/manifests" : shown, name)
          .isEqualTo(generated);
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void printerColumnsFollowDeclarationOrder(Class<?> kind) throws IOException {
    List<String> declared =
        Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    List<String> shuffled = new ArrayList<>(declared);
    shuffled.add(0, "NOT-DECLARED");
    Collections.reverse(shuffled);
    StringBuilder yaml = new StringBuilder("spec:\n  versions:\n  - additionalPrinterColumns:\n");
    shuffled.forEach(n -> yaml.append("    - name: ").append(n).append('\n'));

    String finished = CrdFinisher.finish(yaml.toString(), kind);

    List<String> expected = new ArrayList<>(declared);
    expected.add("NOT-DECLARED");
    assertThat(
            finished
                .lines()
                .filter(l -> l.contains("name: "))
                .map(l -> l.substring(l.indexOf("name: ") + 6)))
        .containsExactlyElementsOf(expected);
  }
}
