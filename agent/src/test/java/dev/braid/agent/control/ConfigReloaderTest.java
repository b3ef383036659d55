package dev.braid.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.api.config.AgentConfig;
import dev.braid.api.config.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReloaderTest {
  @TempDir Path root;

  private record Applied(AgentConfig previous, AgentConfig next, boolean restart) {}

  private final List<Applied> applied = new ArrayList<>();

  private ConfigReloader start(ConfigFixture f) throws Exception {
    f.write(f.document("ns", "u1", 1194, "10.96.0.0/12"));
    return new ConfigReloader(
        f.file(), "node-a", (p, n, r) -> applied.add(new Applied(p, n, r)), Clock.systemUTC());
  }

  @Test
  void routeChangeIsAppliedInPlaceAndPortChangeNeedsARestart() throws Exception {
    ConfigFixture f = new ConfigFixture(root);
    ConfigReloader reloader = start(f);
    assertThat(reloader.current().node()).isEqualTo("node-a");
    assertThat(reloader.poll()).as("nothing changed").isFalse();

    f.write(f.document("ns", "u1", 1194, "10.96.0.0/16"));
    assertThat(reloader.poll()).isTrue();
    assertThat(applied).singleElement().satisfies(a -> assertThat(a.restart()).isFalse());
    assertThat(reloader.current().routes()).containsExactly("10.96.0.0/16");

    f.write(f.document("ns", "u1", 1195, "10.96.0.0/16"));
    assertThat(reloader.poll()).isTrue();
    assertThat(applied.getLast().restart()).isTrue();
    assertThat(reloader.appliedCount()).isEqualTo(2);
  }

  @Test
  void invalidDocumentIsRefusedWithItsFieldPathAndTheOldOneKeeps() throws Exception {
    ConfigFixture f = new ConfigFixture(root);
    ConfigReloader reloader = start(f);

    f.write(f.document("ns", "u1", 1194, "10.8.0.0/16"));
    assertThat(reloader.poll()).isFalse();
    assertThat(reloader.current().routes()).containsExactly("10.96.0.0/12");
    assertThat(reloader.lastError().reason).isEqualTo("ConfigInvalid");
    assertThat(reloader.lastError().message)
        .contains("routes[0]: 10.8.0.0/16 overlaps the tunnel pool 10.8.0.0/24")
        .endsWith("keeping the running config");
    assertThat(reloader.poll()).as("the same bad document is not re-reported").isFalse();
    assertThat(reloader.refusedCount()).isEqualTo(1);
    assertThat(applied).isEmpty();

    f.write(f.document("ns", "u1", 1194, "10.97.0.0/16"));
    assertThat(reloader.poll()).isTrue();
    assertThat(reloader.lastError()).isNull();
  }

  @Test
  void dataPlaneRejectionKeepsTheRunningConfig() throws Exception {
    ConfigFixture f = new ConfigFixture(root);
    f.write(f.document("ns", "u1", 1194, "10.96.0.0/12"));
    ConfigReloader reloader =
        new ConfigReloader(
            f.file(),
            "n",
            (p, n, r) -> {
              throw new IllegalStateException("bind 0.0.0.0:1195: EADDRINUSE");
            },
            Clock.systemUTC());

    f.write(f.document("ns", "u1", 1195, "10.96.0.0/12"));
    assertThat(reloader.poll()).isFalse();
    assertThat(reloader.current().listen().port()).isEqualTo(1194);
    assertThat(reloader.lastError().message).contains("EADDRINUSE");
  }

  @Test
  void newCrlContentCountsAsAChange() throws Exception {
    ConfigFixture f = new ConfigFixture(root);
    ConfigReloader reloader = start(f);
    Files.writeString(f.tls.resolve("crl.pem"), "crl v2\n");
    assertThat(reloader.poll()).isTrue();
    assertThat(applied.getLast().restart()).isFalse();
  }

  @Test
  void missingTlsFileAtStartIsFatalAndNamesTheField() throws Exception {
    ConfigFixture f = new ConfigFixture(root);
    Files.delete(f.tls.resolve("ta.key"));
    f.write(f.document("ns", "u1", 1194, "10.96.0.0/12"));
    assertThatThrownBy(() -> new ConfigReloader(f.file(), "n", (p, n, r) -> {}, Clock.systemUTC()))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e -> assertThat(e.problems().getFirst().path()).isEqualTo("tls.controlChannelKeyFile"));
  }
}
