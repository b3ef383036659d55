package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The send half of a batch: datagrams queued for one sendmmsg, each with its destination and, for a
 * reply, an IP_PKTINFO / IPV6_PKTINFO control message naming the source address it must leave from.
 *
 * <p>With {@linkplain #segmentation() segmentation} on, consecutive datagrams of one size for one
 * destination and source share one sendmmsg message (UDP GSO, a UDP_SEGMENT control message): the
 * kernel routes, filters and queues them once and cuts them apart at the device, where NICs with
 * UDP segmentation offload do it in hardware. A shorter datagram may end such a message; a longer
 * one, another destination or source starts the next. Receivers see ordinary datagrams.
 */
public final class SendBatch extends DatagramVector {
  /** Datagrams per segmented message: UDP_MAX_SEGMENTS of kernels since 4.18. */
  static final int MAX_SEGMENTS = 64;

  /** Payload bytes per segmented message: below the 65507 of an IPv4 UDP datagram. */
  static final int MAX_SEGMENTED_BYTES = 65_000;

  private final int family;
  private int lastSendErrno;
  private long lastSentBytes;

  private InetSocketAddress cachedRemote;
  private final MemorySegment cachedName;
  private int cachedNameLength;

  // Message m starts at datagram slot first[m] and holds segments[m] datagrams of segmentSize[m]
  // bytes (its last one may be shorter); its header is header m, its name, iovecs and control are
  // those of its first slot.
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
   * @param bufferSize largest datagram
   * @param family AF_INET or AF_INET6: how destination addresses are encoded
   */
  SendBatch(int capacity, int bufferSize, int family) {
    super(capacity, bufferSize, 1); // the spare header sends single segments
    this.family = family;
    cachedName = allocate(SockAddr.MAX_SIZE);
    first = new int[capacity];
    segments = new int[capacity];
    segmentSize = new int[capacity];
    messageBytes = new int[capacity];
    pktinfoSpace = new long[capacity];
  }

  public boolean isFull() {
    return count == capacity;
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
}
