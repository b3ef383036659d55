package dev.braid.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoopCountersTest {
  @Test
  void countsAreVisibleFromAnotherThread() throws Exception {
    LoopCounters counters = new LoopCounters(5);
    Thread writer =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 0; i < 10_000; i++) {
                    counters.received(2, 300);
                    counters.drop(LoopDrop.MALFORMED, 1);
                  }
                  counters.sent(3, 90);
                  counters.tunRead(4, 400);
                  counters.tunWritten(1, 100);
                  counters.tunCounts().written(2, 3000);
                  counters.tunCounts().failed(1);
                  counters.segmented(45);
                  counters.held();
                });
    writer.join();
    CounterSnapshot s = counters.snapshot();
    assertThat(s.worker()).isEqualTo(5);
    assertThat(s.datagramsIn()).isEqualTo(20_000);
    assertThat(s.bytesIn()).isEqualTo(3_000_000);
    assertThat(s.datagramsOut()).isEqualTo(3);
    assertThat(s.bytesOut()).isEqualTo(90);
    assertThat(s.tunPacketsIn()).isEqualTo(4);
    assertThat(s.tunBytesIn()).isEqualTo(400);
    assertThat(s.tunPacketsOut()).isEqualTo(3);
    assertThat(s.tunBytesOut()).isEqualTo(3100);
    assertThat(s.tunSegmentedReads()).isEqualTo(1);
    assertThat(s.tunSegments()).isEqualTo(45);
    assertThat(s.receiveHolds()).isEqualTo(1);
    assertThat(s.drops()).isEqualTo(10_001);
    assertThat(s.dropMap())
        .isEqualTo(Map.of(LoopDrop.MALFORMED, 10_000L, LoopDrop.TUN_WRITE_FAILED, 1L));
  }

  @Test
  void loopsAddUpCounterByCounterAndDropByDrop() {
    LoopCounters a = new LoopCounters(0);
    LoopCounters b = new LoopCounters(1);
    a.received(2, 200);
    b.received(3, 300);
    a.sent(1, 10);
    b.tunRead(4, 400);
    a.segmented(10);
    b.segmented(20);
    a.segmentedSends(2, 80);
    b.segmentedSends(1, 40);
    a.held();
    b.held();
    a.drop(LoopDrop.NO_ROUTE, 2);
    b.drop(LoopDrop.NO_ROUTE, 3);
    b.drop(LoopDrop.HANDOFF_FULL, 1);

    CounterSnapshot sum = CounterSnapshot.sum(List.of(a.snapshot(), b.snapshot()));

    assertThat(sum.datagramsIn()).isEqualTo(5);
    assertThat(sum.bytesIn()).isEqualTo(500);
    assertThat(sum.datagramsOut()).isEqualTo(1);
    assertThat(sum.tunPacketsIn()).isEqualTo(4);
    assertThat(sum.tunSegmentedReads()).isEqualTo(2);
    assertThat(sum.tunSegments()).isEqualTo(30);
    assertThat(sum.udpSegmentedSends()).isEqualTo(3);
    assertThat(sum.udpSegmentedDatagrams()).isEqualTo(120);
    assertThat(sum.receiveHolds()).isEqualTo(2);
    assertThat(sum.dropMap()).isEqualTo(Map.of(LoopDrop.NO_ROUTE, 5L, LoopDrop.HANDOFF_FULL, 1L));
  }
}
