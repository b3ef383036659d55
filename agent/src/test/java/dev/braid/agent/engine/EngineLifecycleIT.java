package dev.braid.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.agent.nativeio.NativeIoException;
import dev.braid.agent.testing.Descriptors;
import dev.braid.agent.testing.EchoHandler;
import dev.braid.agent.testing.NetNs;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Start failures explain themselves and leave nothing open; stopping is idempotent. */
class EngineLifecycleIT {
  @Test
  void aTakenPortFailsWithTheSyscallErrnoAndAddressAndLeaksNothing() throws Exception {
    try (NetNs ns = NetNs.create("life")) {
      try (DatagramSocket squatter = ns.call(() -> new DatagramSocket(new InetSocketAddress(0)))) {
        int port = squatter.getLocalPort();
        List<String> before = Descriptors.networkDescriptors();
        EngineConfig config =
            EngineConfig.builder()
                .workers(2)
                .port(port)
                .bindAddress(java.net.InetAddress.getByName("0.0.0.0"))
                .tunName(NetNs.interfaceName("brl"))
                .networkNamespace(ns.name())
                .build();
        assertThatThrownBy(() -> Engine.start(config, worker -> new EchoHandler(2048)))
            .isInstanceOf(NativeIoException.class)
            .hasMessage("bind failed: EADDRINUSE (98): UDP socket /0.0.0.0:" + port);
        assertThat(Descriptors.networkDescriptors()).containsExactlyElementsOf(before);
      }
    }
  }

  @Test
  void closingTwiceIsHarmlessAndReleasesEverything() throws Exception {
    try (NetNs ns = NetNs.create("life2")) {
      List<String> before = Descriptors.networkDescriptors();
      Engine engine =
          Engine.start(
              EngineConfig.builder()
                  .workers(3)
                  .tunName(NetNs.interfaceName("brl"))
                  .networkNamespace(ns.name())
                  .build(),
              worker -> new EchoHandler(2048));
      assertThat(Descriptors.networkDescriptors()).hasSizeGreaterThan(before.size());
      engine.close();
      engine.close();
      assertThat(engine.failure()).isNull();
      assertThat(Descriptors.networkDescriptors()).containsExactlyElementsOf(before);
    }
  }
}
