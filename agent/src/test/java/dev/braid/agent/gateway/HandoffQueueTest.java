package dev.braid.agent.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HandoffQueueTest {
  @Test
  void keepsOrderAndRefusesWhenFull() {
    HandoffQueue<Integer> q = new HandoffQueue<>(4);
    for (int i = 0; i < 4; i++) {
      assertThat(q.offer(i)).isTrue();
    }
    assertThat(q.offer(4)).isFalse();
    assertThat(q.poll()).isZero();
    assertThat(q.offer(4)).isTrue();
    List<Integer> rest = new ArrayList<>();
    Integer v;
    while ((v = q.poll()) != null) {
      rest.add(v);
    }
    assertThat(rest).containsExactly(1, 2, 3, 4);
  }

  @Test
  void concurrentProducersLoseNothingThatWasAccepted() throws Exception {
    HandoffQueue<Integer> q = new HandoffQueue<>(1024);
    int producers = 4;
    int each = 20_000;
    Set<Integer> accepted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int base = p * each;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < each; i++) {
                      if (q.offer(base + i)) {
                        accepted.add(base + i);
                      }
                    }
                  }));
    }
    Set<Integer> received = new HashSet<>();
    while (threads.stream().anyMatch(Thread::isAlive)) {
      Integer v = q.poll();
      if (v != null) {
        assertThat(received.add(v)).isTrue();
      }
    }
    for (Thread t : threads) {
      t.join();
    }
    Integer v;
    while ((v = q.poll()) != null) {
      assertThat(received.add(v)).isTrue();
    }
    assertThat(received).isEqualTo(accepted);
  }
}
