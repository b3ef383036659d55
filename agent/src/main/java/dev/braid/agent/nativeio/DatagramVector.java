package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * What both halves of a recvmmsg/sendmmsg batch share: a preallocated off-heap vector of message
 * headers, one iovec, peer address, control buffer and payload buffer per datagram slot. {@link
 * ReceiveBatch} reads datagrams and their IP_PKTINFO / IPV6_PKTINFO into it; {@link SendBatch}
 * packs datagrams into it, same-size runs as UDP GSO messages.
 *
 * <p>One batch belongs to one thread. Payload buffers returned by {@link #payload(int)} are views
 * of the batch and are only valid until it is next filled.
 */
abstract sealed class DatagramVector implements AutoCloseable permits ReceiveBatch, SendBatch {
  static final int CONTROL_SIZE = 128;

  static final long HDR = Structs.MMSGHDR.byteSize();
  static final long IOV = Structs.IOVEC.byteSize();

  private final Arena arena = Arena.ofShared();
  final int capacity;
  final int bufferSize;
  final MemorySegment headers;
  final MemorySegment iovecs;
  final MemorySegment names;
  final MemorySegment controls;
  final MemorySegment buffers;
  final MemorySegment[] controlSlots;
  private final ByteBuffer[] views;
  final int[] lengths;
  int count;

  /**
   * @param capacity datagrams per system call
   * @param bufferSize bytes per datagram
   * @param spareHeaders message headers beyond one per slot
   */
  DatagramVector(int capacity, int bufferSize, int spareHeaders) {
    if (capacity < 1 || bufferSize < 1) {
      throw new IllegalArgumentException("capacity and bufferSize must be positive");
    }
    this.capacity = capacity;
    this.bufferSize = bufferSize;
    headers = arena.allocate(HDR * (capacity + spareHeaders), 8);
    iovecs = arena.allocate(IOV * capacity, 8);
    names = arena.allocate((long) SockAddr.MAX_SIZE * capacity, 8);
    controls = arena.allocate((long) CONTROL_SIZE * capacity, 8);
    buffers = arena.allocate((long) bufferSize * capacity, 64);
    views = new ByteBuffer[capacity];
    controlSlots = new MemorySegment[capacity];
    lengths = new int[capacity];
    for (int i = 0; i < capacity; i++) {
      MemorySegment buffer = buffers.asSlice((long) bufferSize * i, bufferSize);
      views[i] = buffer.asByteBuffer();
      controlSlots[i] = controls.asSlice((long) CONTROL_SIZE * i, CONTROL_SIZE);
      iovecs.set(ADDRESS, IOV * i, buffer);
      iovecs.set(JAVA_LONG, IOV * i + 8, bufferSize);
      long h = HDR * i;
      headers.set(ADDRESS, h + Structs.MSG_NAME, names.asSlice((long) SockAddr.MAX_SIZE * i));
      headers.set(ADDRESS, h + Structs.MSG_IOV, iovecs.asSlice(IOV * i));
      headers.set(JAVA_LONG, h + Structs.MSG_IOVLEN, 1);
    }
  }

  /** Arena allocations beside the slots, freed with them. */
  final MemorySegment allocate(long bytes) {
    return arena.allocate(bytes, 8);
  }

  public int capacity() {
    return capacity;
  }

  public int bufferSize() {
    return bufferSize;
  }

  /** Datagrams received by the last receive, or queued for the next send. */
  public int size() {
    return count;
  }

  /** Payload of datagram {@code i}: position 0, limit its length (capped at the buffer size). */
  public ByteBuffer payload(int i) {
    checkIndex(i);
    return views[i].clear().limit(lengths[i]);
  }

  /** Length of datagram {@code i} in the buffer (capped at the buffer size when truncated). */
  public int length(int i) {
    checkIndex(i);
    return lengths[i];
  }

  final MemorySegment headers() {
    return headers;
  }

  final long headerOffset(int i) {
    return HDR * i;
  }

  final void checkIndex(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException("datagram " + i + " of " + count);
    }
  }

  /** Frees the off-heap memory; the batch must no longer be used. */
  @Override
  public void close() {
    if (arena.scope().isAlive()) {
      arena.close();
    }
  }
}
