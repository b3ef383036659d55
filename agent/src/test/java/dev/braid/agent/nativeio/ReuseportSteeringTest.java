package dev.braid.agent.nativeio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Runs the steering program in a small classic-BPF interpreter (the subset it uses, with the
 * kernel's rule that an out-of-bounds load ends the program with 0) and checks it against the Java
 * function the session table relies on.
 */
class ReuseportSteeringTest {
  @Test
  void dataV2GoesToPeerIdModWorkers() {
    for (int workers = 1; workers <= 8; workers++) {
      ReuseportSteering program = ReuseportSteering.forOpenVpn(workers);
      for (int peerId : new int[] {0, 1, 2, 3, 7, 1000, 0xFFFFFE}) {
        byte[] packet = ByteBuffer.allocate(20).putInt((9 << 27) | (3 << 24) | peerId).array();
        int expected = peerId % workers;
        assertThat(run(program, packet)).isEqualTo(expected);
        assertThat(ReuseportSteering.workerFor(ByteBuffer.wrap(packet), workers))
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void controlPacketsGoToSessionIdModWorkers() {
    ReuseportSteering program = ReuseportSteering.forOpenVpn(3);
    long sessionId = 0x0102030480000005L;
    byte[] packet = ByteBuffer.allocate(14).put((byte) (4 << 3)).putLong(sessionId).array();
    int expected = (int) (0x80000005L % 3);
    assertThat(run(program, packet)).isEqualTo(expected);
    assertThat(ReuseportSteering.workerForSessionId(sessionId, 3)).isEqualTo(expected);
  }

  @Test
  void shortOrUnsteerablePacketsFallBackToTheHash() {
    ReuseportSteering program = ReuseportSteering.forOpenVpn(4);
    byte[][] packets = {
      {},
      {(byte) (9 << 3), 0, 0},
      {(byte) (7 << 3), 1, 2, 3, 4, 5, 6, 7},
      {(byte) (6 << 3), 1, 2, 3},
      {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
      {(byte) (12 << 3), 1, 2, 3, 4, 5, 6, 7, 8, 9}
    };
    for (byte[] packet : packets) {
      assertThat(Integer.toUnsignedLong(run(program, packet))).isGreaterThanOrEqualTo(4);
      assertThat(ReuseportSteering.workerFor(ByteBuffer.wrap(packet), 4))
          .isEqualTo(ReuseportSteering.FALLBACK);
    }
  }

  @Test
  void programAndJavaFunctionAgreeOnRandomInput() {
    Random random = new Random(7);
    for (int workers = 1; workers <= 6; workers++) {
      ReuseportSteering program = ReuseportSteering.forOpenVpn(workers);
      for (int i = 0; i < 5_000; i++) {
        byte[] packet = new byte[random.nextInt(16)];
        random.nextBytes(packet);
        int kernel = run(program, packet);
        int java = ReuseportSteering.workerFor(ByteBuffer.wrap(packet), workers);
        int expected =
            Integer.toUnsignedLong(kernel) >= workers ? ReuseportSteering.FALLBACK : kernel;
        assertThat(java).as("packet of %d bytes", packet.length).isEqualTo(expected);
      }
    }
  }

  /** Interprets the program on {@code packet} as the kernel would. */
  private static int run(ReuseportSteering steering, byte[] packet) {
    List<int[]> program = steering.instructions();
    int a = 0;
    int x = 0;
    int pc = 0;
    while (true) {
      int[] in = program.get(pc++);
      int code = in[0];
      int k = in[3];
      switch (code) {
        case 0x80 -> a = packet.length;
        case 0x30 -> {
          if (k >= packet.length) {
            return 0;
          }
          a = packet[k] & 0xFF;
        }
        case 0x20 -> {
          if (k + 4 > packet.length) {
            return 0;
          }
          a = ByteBuffer.wrap(packet, k, 4).getInt();
        }
        case 0x74 -> a = a >>> k;
        case 0x54 -> a = a & k;
        case 0x94 -> a = Integer.remainderUnsigned(a, k);
        case 0x07 -> x = a;
        case 0x87 -> a = x;
        case 0x15 -> pc += a == k ? in[1] : in[2];
        case 0x35 -> pc += Integer.compareUnsigned(a, k) >= 0 ? in[1] : in[2];
        case 0x25 -> pc += Integer.compareUnsigned(a, k) > 0 ? in[1] : in[2];
        case 0x16 -> {
          return a;
        }
        case 0x06 -> {
          return k;
        }
        default -> throw new AssertionError("unexpected opcode 0x" + Integer.toHexString(code));
      }
    }
  }
}
