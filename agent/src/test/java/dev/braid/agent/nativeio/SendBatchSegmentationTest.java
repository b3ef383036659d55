package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which queued datagrams share one UDP GSO message; no system calls. */
class SendBatchSegmentationTest {
  private static final InetSocketAddress ALICE = new InetSocketAddress("10.0.0.2", 1194);
  private static final InetSocketAddress BOB = new InetSocketAddress("10.0.0.3", 1194);
  private final SendBatch batch = new SendBatch(64, 2048, Linux.AF_INET6);

  @AfterEach
  void close() {
    batch.close();
  }

  @Test
  void sameSizeDatagramsToOnePeerShareAMessageThatAShorterOneEnds() {
    batch.segmentation(true);
    for (int i = 0; i < 5; i++) {
      add(ALICE, null, 1400);
    }
    add(ALICE, null, 700); // may end the message
    add(ALICE, null, 1400); // the message is closed: a new one
    assertThat(batch.size()).isEqualTo(7);
    assertThat(batch.messageCount()).isEqualTo(2);
    assertThat(batch.messageDatagrams(0)).isEqualTo(6);
    assertThat(batch.messageBytes(0)).isEqualTo(5 * 1400 + 700);
    assertThat(batch.messageDatagrams(1)).isEqualTo(1);
  }

  @Test
  void aLongerDatagramAnotherPeerOrAnotherSourceStartsANewMessage() throws Exception {
    batch.segmentation(true);
    InetAddress here = InetAddress.getByName("10.0.0.1");
    InetAddress there = InetAddress.getByName("10.0.1.1");
    add(ALICE, null, 100);
    add(ALICE, null, 200); // longer
    add(BOB, null, 200); // another peer
    add(BOB, here, 200); // another source
    add(BOB, here, 200); // joins
    add(BOB, there, 200); // another source
    assertThat(batch.messageCount()).isEqualTo(5);
    assertThat(batch.messageDatagrams(3)).isEqualTo(2);
  }

  @Test
  void aMessageStopsAtTheKernelsSegmentAndSizeLimits() {
    SendBatch big = new SendBatch(200, 2048, Linux.AF_INET6);
    try {
      big.segmentation(true);
      for (int i = 0; i < 130; i++) {
        big.add(ALICE, null, 0, ByteBuffer.allocate(100));
      }
      assertThat(big.messageDatagrams(0)).isEqualTo(SendBatch.MAX_SEGMENTS);
      assertThat(big.messageCount()).isEqualTo(3);
      big.clear();
      for (int i = 0; i < 60; i++) {
        big.add(ALICE, null, 0, ByteBuffer.allocate(1500));
      }
      assertThat(big.messageBytes(0)).isLessThanOrEqualTo(SendBatch.MAX_SEGMENTED_BYTES);
      assertThat(big.messageDatagrams(0)).isEqualTo(SendBatch.MAX_SEGMENTED_BYTES / 1500);
    } finally {
      big.close();
    }
  }

  @Test
  void withoutSegmentationEveryDatagramIsItsOwnMessage() {
    for (int i = 0; i < 5; i++) {
      add(ALICE, null, 1400);
    }
    assertThat(batch.segmentation()).isFalse();
    assertThat(batch.messageCount()).isEqualTo(5);
  }

  @Test
  void aReceiveBatchOffersEverySlotForOneDatagramWithRoomForItsPktinfo() {
    try (ReceiveBatch receive = new ReceiveBatch(64, 2048)) {
      receive.prepareReceive();
      for (int i = 0; i < receive.capacity(); i++) {
        long h = receive.headerOffset(i);
        assertThat(receive.headers().get(JAVA_LONG, h + Structs.MSG_IOVLEN)).isEqualTo(1);
        assertThat(receive.headers().get(JAVA_LONG, h + Structs.MSG_CONTROLLEN))
            .isEqualTo(DatagramVector.CONTROL_SIZE);
      }
      assertThat(receive.size()).isZero();
    }
  }

  private void add(InetSocketAddress to, InetAddress from, int length) {
    assertThat(batch.add(to, from, 0, ByteBuffer.allocate(length))).isTrue();
  }
}
