package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * A preallocated off-heap vector of datagrams for recvmmsg/sendmmsg: payload buffers, peer
 * addresses and IP_PKTINFO / IPV6_PKTINFO control messages, one slot per datagram.
 *
 * <p>One batch belongs to one thread. Payload buffers returned by {@link #payload(int)} are views
 * of the batch and are only valid until the next receive, {@link #clear()} or {@link #add}.
 */
public final class DatagramBatch implements AutoCloseable {
  static final int CONTROL_SIZE = 128;
  private static final long HDR = Structs.MMSGHDR.byteSize();
  private static final long IOV = Structs.IOVEC.byteSize();

  private final Arena arena = Arena.ofShared();
  private final int capacity;
  private final int family;
  private final int bufferSize;
  private final MemorySegment headers;
  private final MemorySegment iovecs;
  private final MemorySegment names;
  private final MemorySegment controls;
  private final MemorySegment buffers;
  private final ByteBuffer[] views;
  private final int[] lengths;
  private final int[] flags;
  private final int[] ifindexes;

  /** Offset in {@link #controls} of the local address, 4 or 16 bytes long; -1 if none. */
  private final long[] localOffsets;

  private final byte[] localLengths;
  private final MemorySegment[] controlSlots;
  private int count;

  /** Whether slots are set up for a receive; add() turns them into send slots. */
  private boolean receiveReady;

  /** Slots the kernel wrote to in the last receive. */
  private int kernelTouched;

  private int lastSendErrno;
  private long lastSentBytes;

  private InetSocketAddress cachedRemote;
  private final MemorySegment cachedName;
  private int cachedNameLength;

  /**
   * @param capacity datagrams per system call
   * @param bufferSize bytes per datagram; longer datagrams are received truncated and flagged
   * @param family AF_INET or AF_INET6: how destination addresses are encoded
   */
  DatagramBatch(int capacity, int bufferSize, int family) {
    if (capacity < 1 || bufferSize < 1) {
      throw new IllegalArgumentException("capacity and bufferSize must be positive");
    }
    this.capacity = capacity;
    this.bufferSize = bufferSize;
    this.family = family;
    headers = arena.allocate(HDR * capacity, 8);
    iovecs = arena.allocate(IOV * capacity, 8);
    names = arena.allocate((long) SockAddr.MAX_SIZE * capacity, 8);
    controls = arena.allocate((long) CONTROL_SIZE * capacity, 8);
    buffers = arena.allocate((long) bufferSize * capacity, 64);
    cachedName = arena.allocate(SockAddr.MAX_SIZE, 8);
    views = new ByteBuffer[capacity];
    controlSlots = new MemorySegment[capacity];
    lengths = new int[capacity];
    flags = new int[capacity];
    ifindexes = new int[capacity];
    localOffsets = new long[capacity];
    localLengths = new byte[capacity];
    for (int i = 0; i < capacity; i++) {
      MemorySegment buffer = buffer(i);
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

  public boolean isFull() {
    return count == capacity;
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

  /** True when datagram {@code i} was larger than the buffer and has been cut. */
  public boolean isTruncated(int i) {
    checkIndex(i);
    return (flags[i] & Linux.MSG_TRUNC) != 0;
  }

  /** The sender of datagram {@code i}. */
  public InetSocketAddress remoteAddress(int i) {
    checkIndex(i);
    return SockAddr.decode(names, (long) SockAddr.MAX_SIZE * i);
  }

  /** The local address datagram {@code i} was sent to, or null if no PKTINFO arrived. */
  public InetAddress localAddress(int i) {
    checkIndex(i);
    long off = localOffsets[i];
    if (off < 0) {
      return null;
    }
    try {
      return localLengths[i] == 4
          ? InetAddress.getByAddress(SockAddr.bytes(controls, off, 4))
          : SockAddr.ipv6(controls, off, 0);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The interface datagram {@code i} arrived on, or 0 if no PKTINFO arrived. */
  public int ifindex(int i) {
    checkIndex(i);
    return ifindexes[i];
  }

  /** Forgets all datagrams (before queuing new ones to send). */
  public void clear() {
    count = 0;
  }

  /**
   * Queues a copy of {@code payload}'s remaining bytes for {@code remote}. With a non-null {@code
   * localSource} the datagram carries PKTINFO so that it leaves from that address (and from
   * interface {@code ifindex} when not 0). Returns false, queuing nothing, when the batch is full.
   */
  public boolean add(
      InetSocketAddress remote, InetAddress localSource, int ifindex, ByteBuffer payload) {
    if (count == capacity) {
      return false;
    }
    int length = payload.remaining();
    if (length > bufferSize) {
      throw new IllegalArgumentException(
          "datagram of " + length + " bytes exceeds the buffer of " + bufferSize);
    }
    int i = count;
    receiveReady = false;
    MemorySegment buffer = buffer(i);
    MemorySegment.copy(MemorySegment.ofBuffer(payload), 0, buffer, 0, length);
    iovecs.set(JAVA_LONG, IOV * i + 8, length);
    long nameOffset = (long) SockAddr.MAX_SIZE * i;
    if (remote != cachedRemote) {
      cachedNameLength = SockAddr.encode(remote, family, cachedName, 0);
      cachedRemote = remote;
    }
    MemorySegment.copy(cachedName, 0, names, nameOffset, cachedNameLength);
    long h = HDR * i;
    headers.set(JAVA_INT, h + Structs.MSG_NAMELEN, cachedNameLength);
    headers.set(JAVA_INT, h + Structs.MSG_FLAGS, 0);
    if (localSource == null) {
      headers.set(ADDRESS, h + Structs.MSG_CONTROL, MemorySegment.NULL);
      headers.set(JAVA_LONG, h + Structs.MSG_CONTROLLEN, 0);
    } else {
      long space = Pktinfo.write(controls, (long) CONTROL_SIZE * i, localSource, ifindex, remote);
      headers.set(ADDRESS, h + Structs.MSG_CONTROL, controlSlots[i]);
      headers.set(JAVA_LONG, h + Structs.MSG_CONTROLLEN, space);
    }
    lengths[i] = length;
    count++;
    return true;
  }

  /** errno of the last datagram the last send could not hand to the kernel, 0 if none. */
  public int lastSendErrno() {
    return lastSendErrno;
  }

  void lastSendErrno(int errno) {
    lastSendErrno = errno;
  }

  /** Payload bytes of the datagrams the last send handed to the kernel. */
  public long lastSentBytes() {
    return lastSentBytes;
  }

  void lastSentBytes(long bytes) {
    lastSentBytes = bytes;
  }

  int queuedLength(int i) {
    return lengths[i];
  }

  /** Resets every slot for a receive of up to {@code capacity} datagrams. */
  void prepareReceive() {
    // Only the slots the kernel (or add) touched since the last receive need resetting: with a
    // receive returning a handful of datagrams, resetting all of them would dominate.
    int dirty = receiveReady ? kernelTouched : capacity;
    for (int i = 0; i < dirty; i++) {
      long h = HDR * i;
      headers.set(JAVA_INT, h + Structs.MSG_NAMELEN, SockAddr.MAX_SIZE);
      headers.set(ADDRESS, h + Structs.MSG_CONTROL, controlSlots[i]);
      headers.set(JAVA_LONG, h + Structs.MSG_CONTROLLEN, CONTROL_SIZE);
      headers.set(JAVA_INT, h + Structs.MSG_FLAGS, 0);
      iovecs.set(JAVA_LONG, IOV * i + 8, bufferSize);
    }
    receiveReady = true;
    kernelTouched = 0;
    count = 0;
  }

  /** Records {@code received} datagrams after recvmmsg, parsing their control messages. */
  void completeReceive(int received) {
    kernelTouched = received;
    for (int i = 0; i < received; i++) {
      long h = HDR * i;
      int msgFlags = headers.get(JAVA_INT, h + Structs.MSG_FLAGS);
      int length = headers.get(JAVA_INT, h + Structs.MMSG_LEN);
      flags[i] = msgFlags;
      lengths[i] = Math.min(length, bufferSize);
      long controlLength = headers.get(JAVA_LONG, h + Structs.MSG_CONTROLLEN);
      parseControl(i, (long) CONTROL_SIZE * i, controlLength);
    }
    count = received;
  }

  private void parseControl(int i, long base, long controlLength) {
    localOffsets[i] = -1;
    ifindexes[i] = 0;
    long off = 0;
    while (off + Structs.CMSG_DATA <= controlLength) {
      long cmsgLen = controls.get(JAVA_LONG, base + off + Structs.CMSG_LEN);
      if (cmsgLen < Structs.CMSG_DATA || off + cmsgLen > controlLength) {
        return;
      }
      int level = controls.get(JAVA_INT, base + off + Structs.CMSG_LEVEL);
      int type = controls.get(JAVA_INT, base + off + Structs.CMSG_TYPE);
      long data = base + off + Structs.CMSG_DATA;
      if (level == Linux.IPPROTO_IP && type == Linux.IP_PKTINFO) {
        ifindexes[i] = controls.get(JAVA_INT, data);
        localOffsets[i] = data + 4; // ipi_spec_dst: the local address the route chose
        localLengths[i] = 4;
        return; // preferred over IPV6_PKTINFO for IPv4 datagrams on a dual-stack socket
      }
      if (level == Linux.IPPROTO_IPV6 && type == Linux.IPV6_PKTINFO) {
        ifindexes[i] = controls.get(JAVA_INT, data + 16);
        localOffsets[i] = data;
        localLengths[i] = 16;
      }
      off += Structs.align(cmsgLen);
    }
  }

  MemorySegment headers() {
    return headers;
  }

  long headerOffset(int i) {
    return HDR * i;
  }

  private MemorySegment buffer(int i) {
    return buffers.asSlice((long) bufferSize * i, bufferSize);
  }

  private void checkIndex(int i) {
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
