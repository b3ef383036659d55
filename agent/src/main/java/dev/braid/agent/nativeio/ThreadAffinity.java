package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Pins the calling thread to one CPU (sched_setaffinity), for workers and benchmarks. */
public final class ThreadAffinity {
  private static final int MASK_BYTES = 128;

  private ThreadAffinity() {}

  public static void pinCurrentThread(int cpu) throws NativeIoException {
    if (cpu < 0 || cpu >= MASK_BYTES * 8) {
      throw new IllegalArgumentException("cpu out of range: " + cpu);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment mask = arena.allocate(MASK_BYTES, 8);
      long word = (cpu / 64) * 8L;
      mask.set(JAVA_LONG, word, 1L << (cpu % 64));
      LibC.check(LibC.schedSetaffinity(0, MASK_BYTES, mask), "sched_setaffinity", "cpu " + cpu);
    }
  }
}
