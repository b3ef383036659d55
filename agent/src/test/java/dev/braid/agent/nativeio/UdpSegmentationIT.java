package dev.braid.agent.nativeio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.testing.NetNs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Segmented (UDP GSO) sends on a real kernel, in a namespace of its own: the receiver gets every
 * datagram whole and in order, with the source PKTINFO picked; a path whose MTU the segments do not
 * fit is served one datagram at a time, losing nothing.
 */
class UdpSegmentationIT {
  private static NetNs ns;

  @BeforeAll
  static void namespace() throws Exception {
    ns = NetNs.create("gso");
    ns.ip("link", "set", "lo", "up");
    ns.addresses("lo", "10.99.0.1/32");
    // Datagrams to the local 10.99.0.1 travel through lo but take their route's MTU: 1280.
    ns.ip(
        "route",
        "replace",
        "local",
        "10.99.0.1",
        "dev",
        "lo",
        "table",
        "local",
        "mtu",
        "lock",
        "1280");
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (ns != null) {
      ns.close();
    }
  }

  @Test
  void segmentedDatagramsArriveWholeInOrderFromThePickedSource() throws Exception {
    ns.call(
        () -> {
          try (Link link = Link.open("127.0.0.1", "127.0.0.1")) {
            int[] lengths = new int[41];
            java.util.Arrays.fill(lengths, 1400);
            lengths[40] = 700; // a shorter last datagram may end the message
            List<byte[]> sent = link.queue(InetAddress.getByName("127.0.0.1"), lengths);
            assertThat(link.out.messageCount()).as("one segmented message").isEqualTo(1);
            assertThat(link.sender.send(link.out)).as("skipped").isZero();
            assertThat(link.out.lastSentBytes()).isEqualTo(40 * 1400 + 700);
            assertThat(link.receiveAll(sent.size())).containsExactlyElementsOf(sent);
            assertThat(link.sender.segmentationRefused()).isZero();
            assertThat(link.sender.sentAlone()).isZero();
            return null;
          }
        });
  }

  @Test
  void segmentsLargerThanThePathMtuAreSentOneByOneAndAllArrive() throws Exception {
    ns.call(
        () -> {
          try (Link link = Link.open("10.99.0.1", "10.99.0.1")) {
            // 1400 + 28 header bytes > 1280: the segments would not fit; alone they fragment.
            List<byte[]> sent = link.queue(null, 1400, 1400, 1400, 1400, 1400, 1400, 1400, 1400);
            assertThat(link.out.messageCount()).isEqualTo(1);
            assertThat(link.sender.send(link.out)).as("skipped").isZero();
            assertThat(link.receiveAll(sent.size())).containsExactlyElementsOf(sent);
            assertThat(link.sender.sentAlone()).as("sent one by one after EMSGSIZE").isEqualTo(8);
            // The path refused the size, not the kernel the feature: segmentation stays on.
            assertThat(link.sender.segmentationRefused()).isZero();
            assertThat(link.out.segmentation()).isTrue();
            return null;
          }
        });
  }

  @Test
  void aKernelThatRefusesSegmentationGetsEveryDatagramAloneAndTheSocketStopsAsking()
      throws Exception {
    ns.call(
        () -> {
          try (Link link = Link.open("127.0.0.1", "127.0.0.1")) {
            // Without UDP checksums (SO_NO_CHECK) the kernel refuses GSO sends with EINVAL, as a
            // kernel or device without UDP segmentation would.
            assertThat(UdpSocket.setIntRaw(link.sender.fd().intValue(), 1, SO_NO_CHECK, 1))
                .isZero();
            List<byte[]> sent = link.queue(null, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000);
            assertThat(link.out.messageCount()).isEqualTo(1);
            assertThat(link.sender.send(link.out)).as("skipped").isZero();
            assertThat(link.receiveAll(sent.size())).containsExactlyElementsOf(sent);
            assertThat(link.sender.sentAlone()).isEqualTo(8);
            assertThat(link.sender.segmentationRefusal()).contains("EINVAL");
            assertThat(link.out.segmentation()).as("turned off for this socket's batch").isFalse();
            link.queue(null, 1000, 1000);
            assertThat(link.out.messageCount()).isEqualTo(2);
            return null;
          }
        });
  }

  /** A receiving and a sending socket with a batch each; the sending batch segments. */
  private record Link(UdpSocket receiver, UdpSocket sender, SendBatch out, ReceiveBatch in)
      implements AutoCloseable {
    static Link open(String receiverAddress, String senderAddress) throws Exception {
      UdpSocket receiver = bind(receiverAddress);
      UdpSocket sender = bind(senderAddress);
      SendBatch out = sender.newSendBatch(64, 2048);
      out.segmentation(true);
      return new Link(receiver, sender, out, receiver.newReceiveBatch(64, 2048));
    }

    /** Queues one datagram of each length, each with its own content, to the receiver. */
    List<byte[]> queue(InetAddress source, int... lengths) {
      List<byte[]> queued = new ArrayList<>();
      for (int length : lengths) {
        byte[] d = new byte[length];
        for (int k = 0; k < length; k++) {
          d[k] = (byte) (queued.size() * 31 + k);
        }
        queued.add(d);
        out.add(receiver.localAddress(), source, 0, ByteBuffer.wrap(d));
      }
      return queued;
    }

    /** Receives until {@code expected} datagrams arrived or 5 s passed. */
    List<byte[]> receiveAll(int expected) throws Exception {
      List<byte[]> got = new ArrayList<>();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (got.size() < expected && System.nanoTime() < deadline) {
        int n = receiver.receive(in);
        for (int i = 0; i < n; i++) {
          ByteBuffer p = in.payload(i);
          byte[] b = new byte[p.remaining()];
          p.get(b);
          got.add(b);
        }
        if (n == 0) {
          Thread.sleep(5); // non-blocking socket: nothing yet
        }
      }
      return got;
    }

    @Override
    public void close() throws Exception {
      in.close();
      out.close();
      sender.close();
      receiver.close();
    }
  }

  private static final int SO_NO_CHECK = 11;

  private static UdpSocket bind(String address) throws Exception {
    return UdpSocket.bind(
        new InetSocketAddress(InetAddress.getByName(address), 0), UdpSocket.Options.defaults());
  }
}
