package dev.braid.agent.openvpn.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReliableReceiverTest {
  private static byte[] b(int i) {
    return new byte[] {(byte) i};
  }

  @Test
  void outOfOrderMessagesAreDeliveredInOrderAndEachIsAcked() {
    ReliableReceiver r = new ReliableReceiver(ReliableConfig.braid());
    assertThat(r.onMessage(2, 4, b(2))).isEqualTo(ReceiveResult.ACCEPTED);
    assertThat(r.poll()).isNull();
    assertThat(r.onMessage(0, 4, b(0))).isEqualTo(ReceiveResult.ACCEPTED);
    assertThat(r.poll().messageId()).isZero();
    assertThat(r.poll()).isNull();
    r.onMessage(1, 4, b(1));
    assertThat(r.poll().messageId()).isEqualTo(1);
    assertThat(r.poll().messageId()).isEqualTo(2);
    assertThat(r.takeAcks()).containsExactly(2, 0, 1);
  }

  @Test
  void duplicatesAreAckedAgainEvenWithEveryBufferTaken() {
    ReliableReceiver r = new ReliableReceiver(ReliableConfig.braid());
    for (int i = 1; i < 12; i++) {
      r.onMessage(i, 4, b(i)); // waiting for 0: 11 out-of-order buffers in use
    }
    r.takeAcks();
    r.takeAcks();
    r.takeAcks();
    assertThat(r.onMessage(5, 4, b(5))).isEqualTo(ReceiveResult.DUPLICATE);
    assertThat(r.ackPending()).isTrue();
    assertThat(r.takeAcks()[0]).isEqualTo(5);
  }

  @Test
  void upstreamModeDropsADuplicateWithoutAckWhenBuffersAreFull() {
    ReliableReceiver r = new ReliableReceiver(ReliableConfig.upstream26());
    for (int i = 1; i < 12; i++) {
      r.onMessage(i, 4, b(i));
    }
    r.onMessage(0, 4, b(0)); // delivered but not consumed: 12 buffers held
    while (r.ackPending()) {
      r.takeAcks();
    }
    assertThat(r.onMessage(3, 4, b(3))).isEqualTo(ReceiveResult.NO_BUFFER);
    assertThat(r.ackPending()).isFalse();
  }

  @Test
  void messageBeyondTheWindowIsDroppedUnacknowledgedSoTheSenderKeepsIt() {
    ReliableReceiver r = new ReliableReceiver(ReliableConfig.braid());
    assertThat(r.onMessage(12, 4, b(12))).isEqualTo(ReceiveResult.BEYOND_WINDOW);
    assertThat(r.ackPending()).isFalse();
    assertThat(r.onMessage(11, 4, b(11))).isEqualTo(ReceiveResult.ACCEPTED);
  }

  @Test
  void idsWrapAround() {
    ReliableReceiver r = new ReliableReceiver(ReliableConfig.braid(), 0xFFFF_FFFFL);
    assertThat(r.onMessage(0, 4, b(0))).isEqualTo(ReceiveResult.ACCEPTED);
    assertThat(r.onMessage(0xFFFF_FFFF, 4, b(1))).isEqualTo(ReceiveResult.ACCEPTED);
    assertThat(r.poll().messageId()).isEqualTo(0xFFFF_FFFF);
    assertThat(r.poll().messageId()).isZero();
    assertThat(r.onMessage(0xFFFF_FFFF, 4, b(1))).isEqualTo(ReceiveResult.DUPLICATE);
  }

  @Test
  void everyPacketRepeatsRecentAcksWhenReAckingIsOn() {
    ReliableReceiver r = new ReliableReceiver(ReliableConfig.braid());
    for (int i = 0; i < 6; i++) {
      r.onMessage(i, 4, b(i));
      r.takeAcks();
    }
    // nothing owed, yet a piggy-backed ACK list still carries the 4 most recent ids
    assertThat(r.ackPending()).isFalse();
    assertThat(r.takeAcks()).containsExactly(5, 4, 3, 2);
    ReliableReceiver old = new ReliableReceiver(ReliableConfig.upstream25());
    old.onMessage(0, 4, b(0));
    old.takeAcks();
    assertThat(old.takeAcks()).isEmpty();
  }
}
