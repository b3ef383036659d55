package dev.braid.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.nativeio.ReuseportSteering;
import dev.braid.agent.testing.EchoHandler;
import dev.braid.agent.testing.NetNs;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SO_REUSEPORT steering with the OpenVPN program: many flows spread over every worker, and one
 * session keeps its worker when it sends from a second address.
 */
class SteeringIT {
  private static final int WORKERS = 4;
  private static final String SERVER = "10.77.0.1";
  private static final String CLIENT_A = "10.77.0.2";
  private static final String CLIENT_B = "10.77.0.3";

  private static NetNs server;
  private static NetNs client;
  private final Random random = new Random(3);

  @BeforeAll
  static void topology() throws IOException {
    server = NetNs.create("steer-s");
    client = NetNs.create("steer-c");
    server.veth("eth0", client, "eth0");
    server.ip("addr", "add", SERVER + "/24", "dev", "eth0");
    client.ip("addr", "add", CLIENT_A + "/24", "dev", "eth0");
    client.ip("addr", "add", CLIENT_B + "/24", "dev", "eth0");
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void controlPacketsGoToTheWorkerOfTheirSessionIdAndSpreadOverAllWorkers() throws Exception {
    Set<Integer> seen = new HashSet<>();
    try (Engine engine = startEngine(true)) {
      for (int i = 0; i < 32; i++) {
        long sessionId = random.nextLong();
        byte[] packet = control(sessionId);
        try (DatagramSocket socket = socket(CLIENT_A)) {
          int worker = handlingWorker(socket, engine, packet);
          assertThat(worker).isEqualTo(ReuseportSteering.workerForSessionId(sessionId, WORKERS));
          seen.add(worker);
        }
      }
    }
    assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void packetsWithoutASessionIdSpreadByFlowHashOverAllWorkers() throws Exception {
    Set<Integer> seen = new HashSet<>();
    try (Engine engine = startEngine(true)) {
      for (int i = 0; i < 64; i++) {
        try (DatagramSocket socket = socket(i % 2 == 0 ? CLIENT_A : CLIENT_B)) {
          seen.add(handlingWorker(socket, engine, new byte[] {6 << 3, 1, 2, 3, 4}));
        }
      }
    }
    assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void oneSessionFromTwoSourceAddressesLandsOnOneWorker() throws Exception {
    try (Engine engine = startEngine(true)) {
      for (int peerId = 0; peerId < 16; peerId++) {
        try (DatagramSocket a = socket(CLIENT_A);
            DatagramSocket b = socket(CLIENT_B)) {
          int expected = ReuseportSteering.workerForPeerId(peerId, WORKERS);
          assertThat(handlingWorker(a, engine, dataV2(peerId))).isEqualTo(expected);
          assertThat(handlingWorker(b, engine, dataV2(peerId))).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void withoutTheSteeringProgramASessionFromTwoAddressesIsSplit() throws Exception {
    int split = 0;
    try (Engine engine = startEngine(false)) {
      for (int peerId = 0; peerId < 16; peerId++) {
        try (DatagramSocket a = socket(CLIENT_A);
            DatagramSocket b = socket(CLIENT_B)) {
          if (handlingWorker(a, engine, dataV2(peerId))
              != handlingWorker(b, engine, dataV2(peerId))) {
            split++;
          }
        }
      }
    }
    assertThat(split).as("sessions whose two paths reached different workers").isPositive();
  }

  private static Engine startEngine(boolean steering) throws IOException {
    return Engine.start(
        EngineConfig.builder()
            .workers(WORKERS)
            .steering(steering)
            .networkNamespace(server.name())
            .build(),
        worker -> new EchoHandler(2048));
  }

  private static DatagramSocket socket(String source) throws Exception {
    DatagramSocket socket =
        client.call(
            () -> new DatagramSocket(new InetSocketAddress(InetAddress.getByName(source), 0)));
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Sends {@code payload} and returns the worker the echo names. */
  private static int handlingWorker(DatagramSocket socket, Engine engine, byte[] payload)
      throws IOException {
    InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(SERVER), engine.port());
    socket.send(new DatagramPacket(payload, payload.length, to));
    DatagramPacket reply = new DatagramPacket(new byte[payload.length + 1], payload.length + 1);
    socket.receive(reply);
    assertThat(reply.getLength()).isEqualTo(payload.length + 1);
    assertThat(Arrays.copyOfRange(reply.getData(), 1, reply.getLength())).isEqualTo(payload);
    return reply.getData()[0];
  }

  /** P_CONTROL_HARD_RESET_CLIENT_V2 carrying {@code sessionId}. */
  private static byte[] control(long sessionId) {
    return ByteBuffer.allocate(14).put((byte) (7 << 3)).putLong(sessionId).put(new byte[5]).array();
  }

  /** P_DATA_V2 with {@code peerId}. */
  private static byte[] dataV2(int peerId) {
    return ByteBuffer.allocate(24).putInt((9 << 27) | peerId).putLong(0x1234).array();
  }
}
