package dev.braid.agent.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The counters of one loop: a worker, or the TCP loop (whose "datagrams" are OpenVPN packets framed
 * on TCP streams). Only the loop's thread writes them (no atomic read-modify-write on the packet
 * path); any thread may read them at any time with opaque loads and sees values at most a moment
 * old.
 */
public final class LoopCounters {
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

  /** Padding so that two workers' counters never share a cache line. */
  private static final int PAD = 8;

  private static final int DATAGRAMS_IN = PAD;
  private static final int BYTES_IN = PAD + 1;
  private static final int DATAGRAMS_OUT = PAD + 2;
  private static final int BYTES_OUT = PAD + 3;
  private static final int TUN_IN = PAD + 4;
  private static final int TUN_BYTES_IN = PAD + 5;
  private static final int TUN_OUT = PAD + 6;
  private static final int TUN_BYTES_OUT = PAD + 7;
  private static final int TUN_SEGMENTED_READS = PAD + 8;
  private static final int TUN_SEGMENTS = PAD + 9;
  private static final int RECEIVE_HOLDS = PAD + 10;
  private static final int SEGMENTED_SENDS = PAD + 11;
  private static final int SEGMENTED_DATAGRAMS = PAD + 12;
  private static final int DROPS = PAD + 13;
  private static final LoopDrop[] REASONS = LoopDrop.values();

  private final int worker;
  private final long[] slots = new long[DROPS + REASONS.length + PAD];

  public LoopCounters(int worker) {
    this.worker = worker;
  }

  private void add(int slot, long delta) {
    SLOT.setOpaque(slots, slot, slots[slot] + delta);
  }

  private long read(int slot) {
    return (long) SLOT.getOpaque(slots, slot);
  }

  /** Counts datagrams (or framed packets) received and their bytes; the loop thread only. */
  public void received(int datagrams, long bytes) {
    add(DATAGRAMS_IN, datagrams);
    add(BYTES_IN, bytes);
  }

  /** Counts datagrams (or framed packets) sent and their bytes; the loop thread only. */
  public void sent(int datagrams, long bytes) {
    add(DATAGRAMS_OUT, datagrams);
    add(BYTES_OUT, bytes);
  }

  void tunRead(int packets, long bytes) {
    add(TUN_IN, packets);
    add(TUN_BYTES_IN, bytes);
  }

  void tunWritten(int packets, long bytes) {
    add(TUN_OUT, packets);
    add(TUN_BYTES_OUT, bytes);
  }

  /** One super-packet read from TUN, cut into {@code segments} segments. */
  void segmented(int segments) {
    add(TUN_SEGMENTED_READS, 1);
    add(TUN_SEGMENTS, segments);
  }

  /** {@code messages} UDP GSO sends carried {@code datagrams} datagrams; the loop thread only. */
  void segmentedSends(int messages, int datagrams) {
    add(SEGMENTED_SENDS, messages);
    add(SEGMENTED_DATAGRAMS, datagrams);
  }

  /** The loop waited one receive hold ({@link ReceiveHold}); the loop thread only. */
  public void held() {
    add(RECEIVE_HOLDS, 1);
  }

  /**
   * Where a {@link TunOutput} of this loop counts: written packets, and refused ones as {@link
   * LoopDrop#TUN_WRITE_FAILED}.
   */
  public TunOutput.Counts tunCounts() {
    return new TunOutput.Counts() {
      @Override
      public void written(int packets, long bytes) {
        tunWritten(packets, bytes);
      }

      @Override
      public void failed(int packets) {
        drop(LoopDrop.TUN_WRITE_FAILED, packets);
      }
    };
  }

  /** Counts {@code count} drops for {@code reason}; called by the loop thread only. */
  public void drop(LoopDrop reason, int count) {
    add(DROPS + reason.ordinal(), count);
  }

  /** A consistent-enough copy for status and benchmarks; safe from any thread. */
  public CounterSnapshot snapshot() {
    long[] drops = new long[REASONS.length];
    for (int i = 0; i < drops.length; i++) {
      drops[i] = read(DROPS + i);
    }
    return new CounterSnapshot(
        worker,
        read(DATAGRAMS_IN),
        read(BYTES_IN),
        read(DATAGRAMS_OUT),
        read(BYTES_OUT),
        read(TUN_IN),
        read(TUN_BYTES_IN),
        read(TUN_OUT),
        read(TUN_BYTES_OUT),
        read(TUN_SEGMENTED_READS),
        read(TUN_SEGMENTS),
        read(RECEIVE_HOLDS),
        read(SEGMENTED_SENDS),
        read(SEGMENTED_DATAGRAMS),
        drops);
  }
}
