package dev.braid.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerCountersTest {
  @Test
  void countsAreVisibleFromAnotherThread() throws Exception {
    WorkerCounters counters = new WorkerCounters(5);
    Thread writer =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 0; i < 10_000; i++) {
                    counters.received(2, 300);
                    counters.drop(DropReason.MALFORMED, 1);
                  }
                  counters.sent(3, 90);
                  counters.tunRead(4, 400);
                  counters.tunWritten(1, 100);
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
    assertThat(s.tunPacketsOut()).isEqualTo(1);
    assertThat(s.tunBytesOut()).isEqualTo(100);
    assertThat(s.drops()).isEqualTo(10_000);
    assertThat(s.dropMap()).isEqualTo(Map.of(DropReason.MALFORMED, 10_000L));
  }
}
