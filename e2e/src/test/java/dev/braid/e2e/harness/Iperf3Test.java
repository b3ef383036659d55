package dev.braid.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.e2e.harness.Iperf3.Interval;
import org.junit.jupiter.api.Test;

/** Lines of iperf3 3.12's server output ({@code -f m --forceflush -i 0.1}), as printed. */
class Iperf3Test {
  @Test
  void oneFlowReportsItsStreamsIntervals() {
    assertThat(
            Iperf3.parseInterval(
                "[  6]   0.10-0.20   sec   226 KBytes  18.5 Mbits/sec                  ", 1))
        .isEqualTo(new Interval(0.10, 0.20, 18.5));
    assertThat(
            Iperf3.parseInterval(
                "[  6]   1.00-1.01   sec  7.07 KBytes  7.36 Mbits/sec                  ", 1))
        .isEqualTo(new Interval(1.00, 1.01, 7.36));
    assertThat(
            Iperf3.parseInterval(
                "[  6]   4.10-4.20   sec  0.00 Bytes  0.00 bits/sec                  ", 1))
        .isEqualTo(new Interval(4.10, 4.20, 0.0));
  }

  @Test
  void severalFlowsReportOnlyTheSums() {
    assertThat(
            Iperf3.parseInterval(
                "[SUM]   0.10-0.20   sec   236 KBytes  19.3 Mbits/sec                  ", 2))
        .isEqualTo(new Interval(0.10, 0.20, 19.3));
    assertThat(
            Iperf3.parseInterval(
                "[  6]   0.10-0.20   sec   120 KBytes  9.83 Mbits/sec                  ", 2))
        .isNull();
  }

  @Test
  void totalsAndOtherLinesAreNoIntervals() {
    assertThat(
            Iperf3.parseInterval(
                "[  6]   0.00-1.01   sec  2.30 MBytes  19.1 Mbits/sec                  receiver",
                1))
        .isNull();
    assertThat(
            Iperf3.parseInterval(
                "[SUM]   0.00-1.05   sec  2.07 MBytes  16.6 Mbits/sec                  receiver",
                2))
        .isNull();
    assertThat(Iperf3.parseInterval("[ ID] Interval           Transfer     Bitrate", 1)).isNull();
    assertThat(Iperf3.parseInterval("Server listening on 5201 (test #1)", 1)).isNull();
  }
}
