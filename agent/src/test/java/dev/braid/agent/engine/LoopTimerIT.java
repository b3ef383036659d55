package dev.braid.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.testing.EchoHandler;
import dev.braid.agent.testing.NetNs;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A worker runs its timer when the deadline it returned has passed, with no I/O at all, and when
 * another thread wakes it; without a deadline it sleeps until woken.
 */
class LoopTimerIT {
  @Test
  void deadlinesAndWakeUpsRunTheTimerOnTheWorkerThread() throws Exception {
    CountDownLatch fiveTicks = new CountDownLatch(5);
    AtomicInteger calls = new AtomicInteger();
    AtomicLong wokenAt = new AtomicLong();
    CountDownLatch woken = new CountDownLatch(1);
    AtomicInteger foreignThreadCalls = new AtomicInteger();
    try (NetNs ns = NetNs.create("timer")) {
      Engine.Handlers handlers =
          new Engine.Handlers() {
            @Override
            public DatagramHandler datagramHandler(int worker) {
              return new EchoHandler(2048);
            }

            @Override
            public LoopTimer timer(int worker) {
              return (context, now) -> {
                if (!Thread.currentThread().getName().equals("braid-worker-" + worker)) {
                  foreignThreadCalls.incrementAndGet();
                }
                if (worker != 0) {
                  return LoopTimer.NONE;
                }
                int n = calls.incrementAndGet();
                fiveTicks.countDown();
                if (n < 5) {
                  return now + 20_000_000L; // 20 ms
                }
                if (n > 5 && wokenAt.get() == 0) {
                  wokenAt.set(n);
                  woken.countDown();
                }
                return LoopTimer.NONE; // sleep until woken
              };
            }
          };
      try (Engine engine =
          Engine.start(
              EngineConfig.builder().workers(2).networkNamespace(ns.name()).build(), handlers)) {
        assertThat(fiveTicks.await(30, TimeUnit.SECONDS)).as("five deadline ticks").isTrue();
        assertThat(calls.get()).isEqualTo(5); // no deadline now: no further calls by themselves
        engine.wake(0);
        assertThat(woken.await(30, TimeUnit.SECONDS)).as("woken by another thread").isTrue();
        assertThat(engine.failure()).isNull();
      }
    }
    assertThat(foreignThreadCalls.get()).isZero();
  }
}
