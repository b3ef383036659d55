package dev.braid.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.braid.e2e.harness.KernelMptcp.Subflow;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelMptcpTest {
  /**
   * {@code ss -tniH state established dport = :5201} at the site during {@code mptcpize run iperf3}
   * (Linux 6.18, iproute2 6.1), shortened: iperf3's control connection and its data connection,
   * each with a subflow per uplink; the joined subflows name their device.
   */
  static final String SS =
      """
      0      0          10.70.0.2:59724 10.72.0.1:5201
      \t bbr wscale:10,10 rto:204 bytes_sent:41 bytes_acked:42 bytes_received:2 tcp-ulp-mptcp flags:Mmec token:0000(id:0)/5b5e8ed9(id:0) seq:ed397f518e2472fd sfseq:2 ssnoff:828b5c40 maplen:1
      0      0          10.70.0.2:59736 10.72.0.1:5201
      \t bbr wscale:10,10 rto:204 bytes_sent:374276840 bytes_retrans:26704 bytes_acked:374250137 segs_out:264270 tcp-ulp-mptcp flags:Mmec token:0000(id:0)/e471db2e(id:0) seq:d352295e67d38f01 sfseq:1 ssnoff:3a2b5170 maplen:0
      0      0      10.70.1.2%up1:35863 10.72.0.1:5201
      \t bbr wscale:10,10 rto:204 bytes_sent:123 bytes_acked:124 bytes_received:2 tcp-ulp-mptcp flags:Jjec token:1006f913(id:0)/5b5e8ed9(id:2) seq:ed397f518e2472ff sfseq:2 ssnoff:2c7c4b6f maplen:1
      0      0      10.70.1.2%up1:59433 10.72.0.1:5201
      \t bbr wscale:10,10 rto:204 bytes_sent:345993733 bytes_acked:345993734 segs_out:244536 tcp-ulp-mptcp flags:Jjec token:663b0b2c(id:0)/e471db2e(id:2) seq:d352295e67d38f01 sfseq:0 ssnoff:b898d213 maplen:0
      0      0          10.70.0.2:40000 10.72.0.1:5201
      \t cubic wscale:7,7 rto:204 bytes_sent:5000000 bytes_acked:5000000
      """;

  @Test
  void subflowsAreGroupedByThePeersTokenAndPlainTcpIsLeftOut() {
    List<Subflow> subflows = KernelMptcp.parseSubflows(SS);
    assertThat(subflows)
        .extracting(Subflow::localAddress, Subflow::token, Subflow::bytesAcked)
        .containsExactly(
            tuple("10.70.0.2", "5b5e8ed9", 42L),
            tuple("10.70.0.2", "e471db2e", 374250137L),
            tuple("10.70.1.2", "5b5e8ed9", 124L),
            tuple("10.70.1.2", "e471db2e", 345993734L));
    assertThat(subflows.get(2).local()).isEqualTo("10.70.1.2:35863");
  }

  @Test
  void aDataConnectionOverBothUplinksPasses() {
    KernelMptcp.requireDataOnEveryConnection(KernelMptcp.parseSubflows(SS), 5201, 2);
  }

  @Test
  void aDataConnectionWithAnIdleSecondSubflowFails() {
    List<Subflow> oneCarrying =
        List.of(
            new Subflow("10.70.0.2:1", "10.72.0.1:5201", "aa", 10_000_000, 0),
            new Subflow("10.70.1.2:2", "10.72.0.1:5201", "aa", 50_000, 0));
    assertThatThrownBy(() -> KernelMptcp.requireDataOnEveryConnection(oneCarrying, 5201, 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("carried data over 1 uplink(s), not 2");
  }

  @Test
  void noMptcpDataConnectionFails() {
    List<Subflow> controlOnly = List.of(new Subflow("10.70.0.2:1", "10.72.0.1:5201", "aa", 100, 0));
    assertThatThrownBy(() -> KernelMptcp.requireDataOnEveryConnection(controlOnly, 5201, 2))
        .hasMessageContaining("no MPTCP connection to port 5201 carried data");
  }
}
