package dev.braid.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.braid.agent.testing.EchoHandler;
import dev.braid.agent.testing.NetNs;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 003: a UDP server on the node's wildcard address, a client in a pod behind a Linux bridge
 * (cni0/docker0) using a connected socket to the node's uplink address. Without PKTINFO the kernel
 * answers from the bridge address, the connected socket discards the reply and the client hangs;
 * with it the reply comes from the uplink address.
 */
class ReplySourceIT {
  private static final String UPLINK_V4 = "10.203.0.1";
  private static final String UPLINK_V6 = "fd00:203::1";
  private static final String BRIDGE_V4 = "10.244.0.1";
  private static final String BRIDGE_V6 = "fd00:244::1";

  private static NetNs wan;
  private static NetNs node;
  private static NetNs pod;

  @BeforeAll
  static void topology() throws IOException {
    wan = NetNs.create("wan");
    node = NetNs.create("node");
    pod = NetNs.create("pod");
    node.veth("uplink0", wan, "eth0");
    node.ip("addr", "add", UPLINK_V4 + "/24", "dev", "uplink0");
    node.ip("addr", "add", UPLINK_V6 + "/64", "dev", "uplink0", "nodad");
    node.ip("link", "add", "cni0", "type", "bridge");
    node.ip("addr", "add", BRIDGE_V4 + "/24", "dev", "cni0");
    node.ip("addr", "add", BRIDGE_V6 + "/64", "dev", "cni0", "nodad");
    node.ip("link", "set", "cni0", "up");
    node.veth("vethpod0", pod, "eth0");
    node.ip("link", "set", "vethpod0", "master", "cni0");
    pod.ip("addr", "add", "10.244.0.2/24", "dev", "eth0");
    pod.ip("addr", "add", "fd00:244::2/64", "dev", "eth0", "nodad");
    pod.ip("route", "add", "default", "via", BRIDGE_V4);
    pod.ip("-6", "route", "add", "default", "via", BRIDGE_V6);
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (pod != null) {
      pod.close();
    }
    if (node != null) {
      node.close();
    }
    if (wan != null) {
      wan.close();
    }
  }

  @Test
  void ipv4ReplyLeavesFromTheUplinkAddress() throws Exception {
    assertConnectedClientGetsReply(UPLINK_V4);
  }

  @Test
  void ipv4OnlySocketReplyLeavesFromTheUplinkAddress() throws Exception {
    try (Engine engine = startEngine(true, InetAddress.getByName("0.0.0.0"));
        DatagramSocket client = pod.call(DatagramSocket::new)) {
      client.connect(new InetSocketAddress(InetAddress.getByName(UPLINK_V4), engine.port()));
      client.setSoTimeout(10_000);
      DatagramPacket reply = exchange(client, "v4only");
      assertThat(reply.getAddress()).isEqualTo(InetAddress.getByName(UPLINK_V4));
      assertThat(text(reply)).isEqualTo("v4only");
    }
  }

  @Test
  void ipv6ReplyLeavesFromTheUplinkAddress() throws Exception {
    assertConnectedClientGetsReply(UPLINK_V6);
  }

  @Test
  void ipv4WithoutTheFixTheReplyLeavesFromTheBridgeAndIsLost() throws Exception {
    assertReplyLeavesFromBridge(UPLINK_V4, BRIDGE_V4);
  }

  @Test
  void ipv6WithoutTheFixTheReplyLeavesFromTheBridgeAndIsLost() throws Exception {
    assertReplyLeavesFromBridge(UPLINK_V6, BRIDGE_V6);
  }

  private void assertConnectedClientGetsReply(String uplink) throws Exception {
    try (Engine engine = startEngine(true);
        DatagramSocket client = pod.call(DatagramSocket::new)) {
      InetSocketAddress server =
          new InetSocketAddress(InetAddress.getByName(uplink), engine.port());
      client.connect(server);
      client.setSoTimeout(10_000);
      DatagramPacket reply = exchange(client, "hello");
      assertThat(reply.getAddress()).isEqualTo(InetAddress.getByName(uplink));
      assertThat(text(reply)).isEqualTo("hello");
    }
  }

  private void assertReplyLeavesFromBridge(String uplink, String bridge) throws Exception {
    try (Engine engine = startEngine(false);
        DatagramSocket connected = pod.call(DatagramSocket::new);
        DatagramSocket unconnected = pod.call(DatagramSocket::new)) {
      InetSocketAddress server =
          new InetSocketAddress(InetAddress.getByName(uplink), engine.port());

      connected.connect(server);
      connected.setSoTimeout(1_000);
      connected.send(packet("lost", server));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> engine.counters().stream().mapToLong(CounterSnapshot::datagramsOut).sum() == 1);
      // The engine has sent its reply; the connected socket must not see it.
      assertThatThrownBy(() -> connected.receive(new DatagramPacket(new byte[64], 64)))
          .isInstanceOf(SocketTimeoutException.class);

      unconnected.setSoTimeout(10_000);
      unconnected.send(packet("where", server));
      DatagramPacket reply = new DatagramPacket(new byte[64], 64);
      unconnected.receive(reply);
      assertThat(reply.getAddress()).isEqualTo(InetAddress.getByName(bridge));
      assertThat(text(reply)).isEqualTo("where");
    }
  }

  private static Engine startEngine(boolean replyFromReceivedAddress) throws IOException {
    return startEngine(replyFromReceivedAddress, InetAddress.getByName("::"));
  }

  private static Engine startEngine(boolean replyFromReceivedAddress, InetAddress bind)
      throws IOException {
    return Engine.start(
        EngineConfig.builder()
            .bindAddress(bind)
            .workers(2)
            .networkNamespace(node.name())
            .replyFromReceivedAddress(replyFromReceivedAddress)
            .build(),
        worker -> new EchoHandler(2048));
  }

  private static DatagramPacket exchange(DatagramSocket client, String message) throws IOException {
    client.send(packet(message, (InetSocketAddress) client.getRemoteSocketAddress()));
    DatagramPacket reply = new DatagramPacket(new byte[64], 64);
    client.receive(reply);
    return reply;
  }

  private static DatagramPacket packet(String message, InetSocketAddress to) {
    byte[] data = message.getBytes(StandardCharsets.US_ASCII);
    return new DatagramPacket(data, data.length, to);
  }

  /** The echoed text, after the byte naming the worker. */
  private static String text(DatagramPacket reply) {
    return new String(
        reply.getData(), reply.getOffset() + 1, reply.getLength() - 1, StandardCharsets.US_ASCII);
  }
}
