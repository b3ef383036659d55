package dev.braid.agent.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.agent.nativeio.KernelProbe.Feature;
import dev.braid.agent.nativeio.KernelProbe.Finding;
import dev.braid.agent.testing.NetNs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** On the CI kernel (root, Linux 6.x) every feature the data plane uses is there. */
class KernelProbeIT {
  @Test
  void everyFeatureIsAvailableInAFreshNamespace() throws Exception {
    try (NetNs ns = NetNs.create("caps")) {
      Map<Feature, Finding> caps = ns.call(KernelProbe::probe);
      caps.values().forEach(System.out::println);
      assertThat(caps.values())
          .allSatisfy(c -> assertThat(c.available()).as(c.toString()).isTrue());
    }
  }

  @Test
  void aMissingNamespaceIsReportedWithErrnoAndPath() {
    assertThatThrownBy(() -> NetworkNamespace.enter("braid-does-not-exist"))
        .isInstanceOf(NativeIoException.class)
        .hasMessage("open failed: ENOENT (2): /var/run/netns/braid-does-not-exist");
  }
}
