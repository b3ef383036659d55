package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The classic BPF program that keeps every datagram of an OpenVPN session on one worker of a
 * SO_REUSEPORT group, whichever address it came from.
 *
 * <p>For UDP the kernel runs the program on the payload (offset 0 is the first payload byte). The
 * OpenVPN opcode is {@code byte0 >> 3}:
 *
 * <ul>
 *   <li>P_DATA_V2 (9): worker = peer-id (bytes 1-3, big-endian) mod N;
 *   <li>control opcodes (1-5, 7, 8, 10, 11): worker = bytes 5-8 of the sender's session id (the low
 *       32 bits, big-endian, unsigned) mod N;
 *   <li>anything else, or too short: a value &ge; N, which makes the kernel fall back to the flow
 *       hash.
 * </ul>
 *
 * <p>The server therefore hands out peer-ids with {@code peerId mod N == worker} for the worker
 * that owns the session; {@link #workerFor} is the same function in Java. Socket index i is the
 * i-th socket bound into the group, so workers must bind in index order and keep their sockets.
 */
public final class ReuseportSteering {
  /** Returned by {@link #workerFor} when the kernel falls back to the flow hash. */
  public static final int FALLBACK = -1;

  static final int P_DATA_V1 = 6;
  static final int P_DATA_V2 = 9;
  static final int MAX_OPCODE = 11;

  private static final int LD_W_LEN = 0x80;
  private static final int LD_B_ABS = 0x30;
  private static final int LD_W_ABS = 0x20;
  private static final int ALU_RSH_K = 0x74;
  private static final int ALU_AND_K = 0x54;
  private static final int ALU_MOD_K = 0x94;
  private static final int JEQ_K = 0x15;
  private static final int JGE_K = 0x35;
  private static final int JGT_K = 0x25;
  private static final int RET_A = 0x16;
  private static final int RET_K = 0x06;
  private static final int TAX = 0x07;
  private static final int TXA = 0x87;

  private final int workers;
  private final List<int[]> program;

  private ReuseportSteering(int workers, List<int[]> program) {
    this.workers = workers;
    this.program = List.copyOf(program);
  }

  /** The steering program for a group of {@code workers} sockets. */
  public static ReuseportSteering forOpenVpn(int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be positive: " + workers);
    }
    int fallback = 18;
    List<int[]> p = new ArrayList<>();
    p.add(insn(LD_W_LEN, 0, 0, 0)); // 0
    p.add(insn(JGE_K, 0, fallback - 2, 4)); // 1: at least opcode + peer-id
    p.add(insn(TAX, 0, 0, 0)); // 2: X = length
    p.add(insn(LD_B_ABS, 0, 0, 0)); // 3
    p.add(insn(ALU_RSH_K, 0, 0, 3)); // 4: A = opcode
    p.add(insn(JEQ_K, 14 - 6, 0, P_DATA_V2)); // 5
    p.add(insn(JEQ_K, fallback - 7, 0, 0)); // 6
    p.add(insn(JEQ_K, fallback - 8, 0, P_DATA_V1)); // 7: no id to steer by
    p.add(insn(JGT_K, fallback - 9, 0, MAX_OPCODE)); // 8
    p.add(insn(TXA, 0, 0, 0)); // 9
    p.add(insn(JGE_K, 0, fallback - 11, 9)); // 10: opcode + 8-byte session id
    p.add(insn(LD_W_ABS, 0, 0, 5)); // 11
    p.add(insn(ALU_MOD_K, 0, 0, workers)); // 12
    p.add(insn(RET_A, 0, 0, 0)); // 13
    p.add(insn(LD_W_ABS, 0, 0, 0)); // 14: data
    p.add(insn(ALU_AND_K, 0, 0, 0xFFFFFF)); // 15: peer-id
    p.add(insn(ALU_MOD_K, 0, 0, workers)); // 16
    p.add(insn(RET_A, 0, 0, 0)); // 17
    p.add(insn(RET_K, 0, 0, -1)); // 18: fallback to the flow hash
    return new ReuseportSteering(workers, p);
  }

  private static int[] insn(int code, int jt, int jf, int k) {
    return new int[] {code, jt, jf, k};
  }

  /** The worker the program picks for {@code payload}, or {@link #FALLBACK}. */
  public static int workerFor(ByteBuffer payload, int workers) {
    int base = payload.position();
    int length = payload.remaining();
    if (length < 4) {
      return FALLBACK;
    }
    int opcode = (payload.get(base) & 0xFF) >>> 3;
    if (opcode == P_DATA_V2) {
      return workerForPeerId((int) uint(payload, base + 1, 3), workers);
    }
    if (opcode == 0 || opcode == P_DATA_V1 || opcode > MAX_OPCODE || length < 9) {
      return FALLBACK;
    }
    return (int) (uint(payload, base + 5, 4) % workers);
  }

  private static long uint(ByteBuffer b, int offset, int bytes) {
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v = (v << 8) | (b.get(offset + i) & 0xFF);
    }
    return v;
  }

  /** The worker that owns peer-id {@code peerId} in a group of {@code workers}. */
  public static int workerForPeerId(int peerId, int workers) {
    return (peerId & 0xFFFFFF) % workers;
  }

  /** The worker that owns control packets from a peer with session id {@code sessionId}. */
  public static int workerForSessionId(long sessionId, int workers) {
    return (int) ((sessionId & 0xFFFFFFFFL) % workers);
  }

  public int workers() {
    return workers;
  }

  /** The instructions as {code, jt, jf, k}, for inspection and tests. */
  public List<int[]> instructions() {
    return program.stream().map(int[]::clone).toList();
  }

  MemorySegment toSockFprog(Arena arena) {
    long insnSize = Structs.SOCK_FILTER.byteSize();
    MemorySegment filter = arena.allocate(insnSize * program.size(), 8);
    for (int i = 0; i < program.size(); i++) {
      int[] in = program.get(i);
      long off = insnSize * i;
      filter.set(JAVA_SHORT, off, (short) in[0]);
      filter.set(JAVA_BYTE, off + 2, (byte) in[1]);
      filter.set(JAVA_BYTE, off + 3, (byte) in[2]);
      filter.set(JAVA_INT, off + 4, in[3]);
    }
    MemorySegment fprog = arena.allocate(Structs.SOCK_FPROG);
    fprog.set(JAVA_SHORT, 0, (short) program.size());
    fprog.set(ADDRESS, Structs.offset(Structs.SOCK_FPROG, "filter"), filter);
    return fprog;
  }
}
