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
          try (UdpSocket receiver = bind("127.0.0.1");
              UdpSocket sender = bind("127.0.0.1");
              DatagramBatch out = sender.newBatch(64, 2048);
              DatagramBatch in = receiver.newBatch(64, 2048)) {
            out.segmentation(true);
            InetAddress source = InetAddress.getByName("127.0.0.1");
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 41; i++) {
              byte[] d = datagram(i, i == 40 ? 700 : 1400);
              sent.add(d);
              out.add(receiver.localAddress(), source, 0, ByteBuffer.wrap(d));
            }
            assertThat(out.messageCount()).as("one segmented message").isEqualTo(1);
            assertThat(sender.send(out)).as("skipped").isZero();
            assertThat(out.lastSentBytes()).isEqualTo(40 * 1400 + 700);
            assertThat(receiveAll(receiver, in, sent.size())).containsExactlyElementsOf(sent);
            assertThat(sender.segmentationRefused()).isZero();
            assertThat(sender.sentAlone()).isZero();
            return null;
          }
        });
  }

  @Test
  void segmentsLargerThanThePathMtuAreSentOneByOneAndAllArrive() throws Exception {
    ns.call(
        () -> {
          try (UdpSocket receiver = bind("10.99.0.1");
              UdpSocket sender = bind("10.99.0.1");
              DatagramBatch out = sender.newBatch(64, 2048);
              DatagramBatch in = receiver.newBatch(64, 2048)) {
            out.segmentation(true);
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
              byte[] d = datagram(i, 1400); // + 28 header bytes > 1280: fragments on their own
              sent.add(d);
              out.add(receiver.localAddress(), null, 0, ByteBuffer.wrap(d));
            }
            assertThat(out.messageCount()).isEqualTo(1);
            assertThat(sender.send(out)).as("skipped").isZero();
            assertThat(receiveAll(receiver, in, sent.size())).containsExactlyElementsOf(sent);
            assertThat(sender.sentAlone()).as("sent one by one after EMSGSIZE").isEqualTo(10);
            // The path refused the size, not the kernel the feature: segmentation stays on.
            assertThat(sender.segmentationRefused()).isZero();
            assertThat(out.segmentation()).isTrue();
            return null;
          }
        });
  }

  private static UdpSocket bind(String address) throws Exception {
    return UdpSocket.bind(
        new InetSocketAddress(InetAddress.getByName(address), 0), UdpSocket.Options.defaults());
  }

  private static byte[] datagram(int index, int length) {
    byte[] d = new byte[length];
    for (int k = 0; k < length; k++) {
      d[k] = (byte) (index * 31 + k);
    }
    return d;
  }

  private static List<byte[]> receiveAll(UdpSocket socket, DatagramBatch in, int expected)
      throws Exception {
    List<byte[]> got = new ArrayList<>();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (got.size() < expected && System.nanoTime() < deadline) {
      int n = socket.receive(in);
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
}
