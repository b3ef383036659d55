package dev.braid.agent.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class DisconnectCountersTest {
  @Test
  void countsPerCauseUnderStatusKeys() {
    DisconnectCounters counters = new DisconnectCounters();
    counters.record(DisconnectCause.RESET);
    counters.record(DisconnectCause.RESET);
    counters.record(DisconnectCause.ABORT_AFTER_FIN);
    assertThat(counters.get(DisconnectCause.RESET)).isEqualTo(2);
    assertThat(counters.snapshot())
        .containsEntry("reset", 2L)
        .containsEntry("abort-after-fin", 1L)
        .containsEntry("clean-close", 0L)
        .hasSize(DisconnectCause.values().length);
  }

  @Test
  void anotherThreadSeesEveryIncrement() throws InterruptedException {
    DisconnectCounters counters = new DisconnectCounters();
    int perThread = 10_000;
    CountDownLatch start = new CountDownLatch(1);
    Runnable worker =
        () -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          for (int i = 0; i < perThread; i++) {
            counters.record(DisconnectCause.TIMEOUT);
          }
        };
    Thread a = Thread.ofPlatform().start(worker);
    Thread b = Thread.ofPlatform().start(worker);
    start.countDown();
    a.join();
    b.join();
    assertThat(counters.snapshot()).containsEntry("timeout", 2L * perThread);
  }
}
