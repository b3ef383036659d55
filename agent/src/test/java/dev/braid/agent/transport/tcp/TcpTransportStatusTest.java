package dev.braid.agent.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.nativeio.TcpListener;
import dev.braid.api.v1alpha1.Capability;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpTransportStatusTest {
  @Test
  void mptcpListenerIsAnAvailableCapability() {
    Capability c = TcpTransportStatus.mptcp(new TcpListener.Transport(true, null));
    assertThat(c.available).isTrue();
    assertThat(c.reason).isEmpty();
  }

  @Test
  void fallbackCarriesItsReason() {
    Capability c =
        TcpTransportStatus.mptcp(
            new TcpListener.Transport(false, "net.mptcp.enabled=0 in this network namespace"));
    assertThat(c.available).isFalse();
    assertThat(c.reason).isEqualTo("net.mptcp.enabled=0 in this network namespace");
  }

  @Test
  void disconnectsAreSummedAcrossWorkers() {
    DisconnectCounters a = new DisconnectCounters();
    DisconnectCounters b = new DisconnectCounters();
    a.record(DisconnectCause.RESET);
    b.record(DisconnectCause.RESET);
    b.record(DisconnectCause.ABORT_AFTER_FIN);
    assertThat(TcpTransportStatus.disconnects(List.of(a, b)))
        .containsEntry("reset", 2L)
        .containsEntry("abort-after-fin", 1L)
        .containsEntry("timeout", 0L);
  }
}
