package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The receive half of a batch: recvmmsg fills its slots with datagrams, each with its sender and
 * the IP_PKTINFO / IPV6_PKTINFO control message that says which local address and interface it
 * arrived on (the address a reply must leave from). Datagrams longer than the buffer arrive cut and
 * flagged.
 */
public final class ReceiveBatch extends DatagramVector {
  private final int[] flags;
  private final int[] ifindexes;

  /** Offset in {@link #controls} of the local address, 4 or 16 bytes long; -1 if none. */
  private final long[] localOffsets;

  private final byte[] localLengths;

  /** Whether the slots are set up for a receive (once, then only what the kernel touched). */
  private boolean prepared;

  /** Slots the kernel wrote to in the last receive. */
  private int kernelTouched;

  /**
   * @param capacity datagrams per system call
   * @param bufferSize bytes per datagram; longer datagrams are received truncated and flagged
   */
  ReceiveBatch(int capacity, int bufferSize) {
    super(capacity, bufferSize, 0);
    flags = new int[capacity];
    ifindexes = new int[capacity];
    localOffsets = new long[capacity];
    localLengths = new byte[capacity];
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

  /** Resets the slots for a receive of up to {@code capacity} datagrams. */
  void prepareReceive() {
    // Only the slots the kernel touched since the last receive need resetting: with a receive
    // returning a handful of datagrams, resetting all of them would dominate.
    int dirty = prepared ? kernelTouched : capacity;
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
    prepared = true;
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
}
