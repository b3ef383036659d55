package dev.braid.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionTableTest {
  @Test
  void peerIdsAreOwnedByTheRegisteringWorkerAndUnique() {
    SessionTable<String> table = new SessionTable<>(3);
    Set<Integer> ids = new HashSet<>();
    for (int worker = 0; worker < 3; worker++) {
      for (int i = 0; i < 100; i++) {
        int peerId = table.register(worker, "s" + worker + "-" + i);
        assertThat(table.ownerOf(peerId)).isEqualTo(worker);
        assertThat(ids.add(peerId)).isTrue();
      }
    }
    assertThat(table.size()).isEqualTo(300);
  }

  @Test
  void removedSessionsAreGoneAndOnlyTheirOwnerRemovesThem() {
    SessionTable<String> table = new SessionTable<>(2);
    int peerId = table.register(1, "a");
    assertThat(table.remove(peerId, "b")).isFalse();
    assertThat(table.get(peerId)).contains("a");
    assertThat(table.remove(peerId, "a")).isTrue();
    assertThat(table.get(peerId)).isEmpty();
  }

  @Test
  void rejectsAWorkerOutsideTheGroup() {
    SessionTable<String> table = new SessionTable<>(2);
    assertThatThrownBy(() -> table.register(2, "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void neverHandsOutTheReservedPeerId() {
    SessionTable<String> table = new SessionTable<>(1);
    assertThat(SessionTable.MAX_PEER_ID).isEqualTo(0xFFFFFE);
    for (int i = 0; i < 1000; i++) {
      assertThat(table.register(0, "s" + i)).isLessThanOrEqualTo(SessionTable.MAX_PEER_ID);
    }
  }
}
