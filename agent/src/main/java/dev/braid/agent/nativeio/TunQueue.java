package dev.braid.agent.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * One queue of a multiqueue TUN device: a non-blocking descriptor with preallocated buffers for a
 * batch of reads and for writes. Owned by one worker thread. On a queue opened with IFF_VNET_HDR
 * every read and write starts with a 10-byte virtio_net_hdr: reads strip it, {@link #write} adds an
 * empty one, {@link #writeFrame} takes the caller's.
 */
public final class TunQueue implements AutoCloseable {
  /** sizeof(struct virtio_net_hdr). */
  public static final int VNET_HDR = 10;

  /** Largest frame {@link #writeFrame} takes: a virtio_net_hdr and a 64 KiB IP packet. */
  public static final int MAX_FRAME = VNET_HDR + 65535;

  private final FileDescriptor fd;
  private final int index;
  private final Arena arena = Arena.ofShared();
  private final int packetSize;
  private final int header;
  private final MemorySegment readBuffers;
  private final ByteBuffer[] views;
  private final int[] lengths;
  private final ByteBuffer[] headers;
  private final int readSize;

  /** Read slots of a queue with segmented reads (each holds up to 64 KiB). */
  private static final int SUPER_PACKET_SLOTS = 8;

  private final TunWriter writer;
  private int count;

  TunQueue(
      FileDescriptor fd, int index, int batch, int packetSize, boolean vnetHeader, int readSize) {
    this.fd = fd;
    this.index = index;
    this.packetSize = packetSize;
    this.readSize = readSize;
    this.header = vnetHeader ? VNET_HDR : 0;
    int slot = readSize + header;
    // Super-packet reads carry ~45 packets each: a few slots hold a full batch's worth.
    int slots = readSize > packetSize ? Math.min(batch, SUPER_PACKET_SLOTS) : batch;
    this.readBuffers = arena.allocate((long) slot * slots, 64);
    this.writer = new TunWriter(fd, packetSize, header);
    this.views = new ByteBuffer[slots];
    this.headers = new ByteBuffer[slots];
    this.lengths = new int[slots];
    for (int i = 0; i < slots; i++) {
      views[i] = readBuffers.asSlice((long) slot * i + header, readSize).asByteBuffer();
      headers[i] = readBuffers.asSlice((long) slot * i, header).asByteBuffer();
    }
  }

  public FileDescriptor fd() {
    return fd;
  }

  /** The queue number, 0-based, in attach order. */
  public int index() {
    return index;
  }

  /** Whether reads and writes carry a virtio_net_hdr (IFF_VNET_HDR). */
  public boolean hasVnetHeader() {
    return header > 0;
  }

  /** Reads packets until none are waiting or the batch is full; returns how many. */
  public int readBatch() throws NativeIoException {
    count = 0;
    int slot = readSize + header;
    while (count < views.length) {
      long rc = LibC.read(fd.intValue(), readBuffers.asSlice((long) slot * count, slot), slot);
      if (rc >= 0) {
        lengths[count++] = (int) Math.max(0, rc - header);
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
   * The virtio_net_hdr that came with packet {@code i} of the last {@link #readBatch()} (10 bytes,
   * little-endian fields); empty on a queue without IFF_VNET_HDR.
   */
  public ByteBuffer vnetHeader(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException("packet " + i + " of " + count);
    }
    return headers[i].clear();
  }

  /** Most packets one {@link #readBatch()} returns. */
  public int capacity() {
    return views.length;
  }

  /** Whether reads may return super-packets and partial checksums (segmentation offload on). */
  public boolean segmentedReads() {
    return readSize > packetSize;
  }

  /**
   * Writes one IP packet (the remaining bytes of {@code packet}) into the kernel. Returns 0, or the
   * errno when the kernel refused it (the packet is then lost, as on a full device queue).
   */
  public int write(ByteBuffer packet) {
    return writer.write(packet);
  }

  /**
   * Writes a virtio_net_hdr followed by an IP packet (up to 64 KiB, to be segmented by the kernel
   * as the header says) on a queue opened with IFF_VNET_HDR. Returns 0 or the errno.
   */
  public int writeFrame(ByteBuffer frame) {
    return writer.writeFrame(frame);
  }

  /**
   * A writer into this queue for another thread, with its own buffer; close it before this queue.
   */
  public TunWriter newWriter() {
    return new TunWriter(fd, packetSize, header);
  }

  @Override
  public void close() throws NativeIoException {
    try {
      fd.close();
    } finally {
      writer.close();
      if (arena.scope().isAlive()) {
        arena.close();
      }
    }
  }
}
