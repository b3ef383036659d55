package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

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
 * <p>With {@linkplain #segmentation() segmentation} on, consecutive datagrams of one size for one
 * destination and source share one sendmmsg message (UDP GSO, a UDP_SEGMENT control message): the
 * kernel routes, filters and queues them once and cuts them apart at the device, where NICs with
 * UDP segmentation offload do it in hardware. A shorter datagram may end such a message; a longer
 * one, another destination or source starts the next. Receivers see ordinary datagrams.
 *
 * <p>One batch belongs to one thread. Payload buffers returned by {@link #payload(int)} are views
 * of the batch and are only valid until the next receive, {@link #clear()} or {@link #add}.
 */
public final class DatagramBatch implements AutoCloseable {
  static final int CONTROL_SIZE = 128;

  /** Datagrams per segmented message: UDP_MAX_SEGMENTS of kernels since 4.18. */
  static final int MAX_SEGMENTS = 64;

  /** Payload bytes per segmented message: below the 65507 of an IPv4 UDP datagram. */
  static final int MAX_SEGMENTED_BYTES = 65_000;

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

  // Send messages: message m starts at datagram slot first[m] and holds segments[m] datagrams of
  // segmentSize[m] bytes (its last one may be shorter); its header is header m, its name, iovecs
  // and control are those of its first slot.
  private boolean segmentation;
  private int messages;
  private final int[] first;
  private final int[] segments;
  private final int[] segmentSize;
  private final int[] messageBytes;
  private final long[] pktinfoSpace;

  /** Whether the last message may take more datagrams. */
  private boolean lastOpen;

  private InetAddress lastSource;
  private int lastIfindex;

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
    headers = arena.allocate(HDR * (capacity + 1), 8); // the last one sends single segments
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
    first = new int[capacity];
    segments = new int[capacity];
    segmentSize = new int[capacity];
    messageBytes = new int[capacity];
    pktinfoSpace = new long[capacity];
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
    messages = 0;
    lastOpen = false;
  }

  /** Whether {@link #add} joins datagrams into segmented (UDP GSO) messages. */
  public boolean segmentation() {
    return segmentation;
  }

  /** Turns segmentation on or off for datagrams added from now on. */
  public void segmentation(boolean on) {
    segmentation = on;
    lastOpen = false;
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
    MemorySegment.copy(MemorySegment.ofBuffer(payload), 0, buffers, (long) bufferSize * i, length);
    iovecs.set(JAVA_LONG, IOV * i + 8, length);
    lengths[i] = length;
    count++;
    if (joinsLastMessage(remote, localSource, ifindex, length)) {
      int m = messages - 1;
      segments[m]++;
      messageBytes[m] += length;
      headers.set(JAVA_LONG, HDR * m + Structs.MSG_IOVLEN, segments[m]);
      if (segments[m] == 2) {
        addSegmentControl(m);
      }
      lastOpen = length == segmentSize[m];
      return true;
    }
    startMessage(i, remote, localSource, ifindex, length);
    return true;
  }

  private boolean joinsLastMessage(
      InetSocketAddress remote, InetAddress localSource, int ifindex, int length) {
    if (!segmentation || !lastOpen || length == 0) {
      return false;
    }
    int m = messages - 1;
    return length <= segmentSize[m]
        && segments[m] < MAX_SEGMENTS
        && messageBytes[m] + length <= MAX_SEGMENTED_BYTES
        && ifindex == lastIfindex
        && (remote == cachedRemote || remote.equals(cachedRemote))
        && (localSource == lastSource || (localSource != null && localSource.equals(lastSource)));
  }

  private void startMessage(
      int i, InetSocketAddress remote, InetAddress localSource, int ifindex, int length) {
    int m = messages++;
    long nameOffset = (long) SockAddr.MAX_SIZE * i;
    if (remote != cachedRemote) {
      cachedNameLength = SockAddr.encode(remote, family, cachedName, 0);
      cachedRemote = remote;
    }
    MemorySegment.copy(cachedName, 0, names, nameOffset, cachedNameLength);
    long h = HDR * m;
    headers.set(ADDRESS, h + Structs.MSG_NAME, names.asSlice(nameOffset));
    headers.set(JAVA_INT, h + Structs.MSG_NAMELEN, cachedNameLength);
    headers.set(ADDRESS, h + Structs.MSG_IOV, iovecs.asSlice(IOV * i));
    headers.set(JAVA_LONG, h + Structs.MSG_IOVLEN, 1);
    headers.set(JAVA_INT, h + Structs.MSG_FLAGS, 0);
    long space = 0;
    if (localSource != null) {
      space = Pktinfo.write(controls, (long) CONTROL_SIZE * i, localSource, ifindex, remote);
    }
    headers.set(
        ADDRESS, h + Structs.MSG_CONTROL, space == 0 ? MemorySegment.NULL : controlSlots[i]);
    headers.set(JAVA_LONG, h + Structs.MSG_CONTROLLEN, space);
    first[m] = i;
    segments[m] = 1;
    segmentSize[m] = length;
    messageBytes[m] = length;
    pktinfoSpace[m] = space;
    lastSource = localSource;
    lastIfindex = ifindex;
    lastOpen = length > 0;
  }

  /** Appends the UDP_SEGMENT control message to message {@code m}'s PKTINFO, if any. */
  private void addSegmentControl(int m) {
    int slot = first[m];
    long at = (long) CONTROL_SIZE * slot + pktinfoSpace[m];
    controls.set(JAVA_LONG, at + Structs.CMSG_LEN, Structs.cmsgLen(2));
    controls.set(JAVA_INT, at + Structs.CMSG_LEVEL, Linux.IPPROTO_UDP);
    controls.set(JAVA_INT, at + Structs.CMSG_TYPE, Linux.UDP_SEGMENT);
    controls.set(JAVA_SHORT, at + Structs.CMSG_DATA, (short) segmentSize[m]);
    long h = HDR * m;
    headers.set(ADDRESS, h + Structs.MSG_CONTROL, controlSlots[slot]);
    headers.set(JAVA_LONG, h + Structs.MSG_CONTROLLEN, pktinfoSpace[m] + Structs.cmsgSpace(2));
  }

  /** Messages queued for the next send; fewer than {@link #size()} when segmented. */
  public int messageCount() {
    return messages;
  }

  /** Datagrams in queued message {@code m}. */
  public int messageDatagrams(int m) {
    return segments[m];
  }

  int messageBytes(int m) {
    return messageBytes[m];
  }

  /**
   * Sets up the spare header to send datagram {@code k} of message {@code m} on its own (for a
   * kernel or path that refuses the segmented message); returns its offset in {@link #headers()}.
   */
  long singleSegmentHeader(int m, int k) {
    long h = HDR * capacity;
    int slot = first[m];
    long base = HDR * m;
    headers.set(ADDRESS, h + Structs.MSG_NAME, headers.get(ADDRESS, base + Structs.MSG_NAME));
    headers.set(
        JAVA_INT, h + Structs.MSG_NAMELEN, headers.get(JAVA_INT, base + Structs.MSG_NAMELEN));
    headers.set(ADDRESS, h + Structs.MSG_IOV, iovecs.asSlice(IOV * (slot + k)));
    headers.set(JAVA_LONG, h + Structs.MSG_IOVLEN, 1);
    headers.set(JAVA_INT, h + Structs.MSG_FLAGS, 0);
    headers.set(
        ADDRESS,
        h + Structs.MSG_CONTROL,
        pktinfoSpace[m] == 0 ? MemorySegment.NULL : controlSlots[slot]);
    headers.set(JAVA_LONG, h + Structs.MSG_CONTROLLEN, pktinfoSpace[m]); // without UDP_SEGMENT
    return h;
  }

  int datagramLength(int m, int k) {
    return lengths[first[m] + k];
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

  /** Resets every slot for a receive of up to {@code capacity} datagrams. */
  void prepareReceive() {
    // Only the slots the kernel (or add) touched since the last receive need resetting: with a
    // receive returning a handful of datagrams, resetting all of them would dominate.
    int dirty = receiveReady ? kernelTouched : capacity;
    for (int i = 0; i < dirty; i++) {
      long h = HDR * i;
      headers.set(ADDRESS, h + Structs.MSG_NAME, names.asSlice((long) SockAddr.MAX_SIZE * i));
      headers.set(JAVA_INT, h + Structs.MSG_NAMELEN, SockAddr.MAX_SIZE);
      headers.set(ADDRESS, h + Structs.MSG_IOV, iovecs.asSlice(IOV * i));
      headers.set(JAVA_LONG, h + Structs.MSG_IOVLEN, 1);
      headers.set(ADDRESS, h + Structs.MSG_CONTROL, controlSlots[i]);
      headers.set(JAVA_LONG, h + Structs.MSG_CONTROLLEN, CONTROL_SIZE);
      headers.set(JAVA_INT, h + Structs.MSG_FLAGS, 0);
      iovecs.set(JAVA_LONG, IOV * i + 8, bufferSize);
    }
    receiveReady = true;
    kernelTouched = 0;
    count = 0;
    messages = 0;
    lastOpen = false;
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
