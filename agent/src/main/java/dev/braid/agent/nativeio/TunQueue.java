package dev.braid.agent.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * One queue of a multiqueue TUN device: a non-blocking descriptor with preallocated buffers for a
 * batch of reads and for writes. Owned by one worker thread.
 */
public final class TunQueue implements AutoCloseable {
  private final FileDescriptor fd;
  private final int index;
  private final Arena arena = Arena.ofShared();
  private final int packetSize;
  private final MemorySegment readBuffers;
  private final ByteBuffer[] views;
  private final int[] lengths;
  private final MemorySegment writeBuffer;
  private int count;

  TunQueue(FileDescriptor fd, int index, int batch, int packetSize) {
    this.fd = fd;
    this.index = index;
    this.packetSize = packetSize;
    this.readBuffers = arena.allocate((long) packetSize * batch, 64);
    this.writeBuffer = arena.allocate(packetSize, 64);
    this.views = new ByteBuffer[batch];
    this.lengths = new int[batch];
    for (int i = 0; i < batch; i++) {
      views[i] = readBuffers.asSlice((long) packetSize * i, packetSize).asByteBuffer();
    }
  }

  public FileDescriptor fd() {
    return fd;
  }

  /** The queue number, 0-based, in attach order. */
  public int index() {
    return index;
  }

  /** Reads packets until none are waiting or the batch is full; returns how many. */
  public int readBatch() throws NativeIoException {
    count = 0;
    while (count < views.length) {
      long rc =
          LibC.read(
              fd.intValue(),
              readBuffers.asSlice((long) packetSize * count, packetSize),
              packetSize);
      if (rc >= 0) {
        lengths[count++] = (int) rc;
      } else if (rc == -Linux.EAGAIN) {
        break;
      } else if (rc != -Linux.EINTR) {
        throw new NativeIoException("read", (int) -rc, fd.toString());
      }
    }
    return count;
  }

  /** Packet {@code i} of the last {@link #readBatch()}; valid until the next one. */
  public ByteBuffer packet(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException("packet " + i + " of " + count);
    }
    return views[i].clear().limit(lengths[i]);
  }

  /**
   * Writes one IP packet (the remaining bytes of {@code packet}) into the kernel. Returns 0, or the
   * errno when the kernel refused it (the packet is then lost, as on a full device queue).
   */
  public int write(ByteBuffer packet) {
    int length = packet.remaining();
    if (length > packetSize) {
      return 90; // EMSGSIZE: larger than the device can carry
    }
    MemorySegment source = MemorySegment.ofBuffer(packet);
    if (!source.isNative()) {
      // Heap memory cannot be handed to the kernel; off-heap buffers (datagrams) go as they are.
      MemorySegment.copy(source, 0, writeBuffer, 0, length);
      source = writeBuffer;
    }
    while (true) {
      long rc = LibC.write(fd.intValue(), source, length);
      if (rc >= 0) {
        return 0;
      }
      if (rc != -Linux.EINTR) {
        return (int) -rc;
      }
    }
  }

  @Override
  public void close() throws NativeIoException {
    try {
      fd.close();
    } finally {
      if (arena.scope().isAlive()) {
        arena.close();
      }
    }
  }
}
