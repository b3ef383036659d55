package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A non-blocking UDP socket that moves datagrams in batches (recvmmsg/sendmmsg) and reports, per
 * datagram, the local address and interface it arrived on (IP_PKTINFO / IPV6_RECVPKTINFO), so that
 * replies can leave from the address the peer sent to.
 *
 * <p>An IPv6 socket is dual-stack unless {@link Options#ipv6Only()}: IPv4 peers appear as IPv4
 * addresses and are answered with IP_PKTINFO.
 */
public final class UdpSocket implements AutoCloseable {
  private final FileDescriptor fd;
  private volatile int segmentationRefused;
  private volatile long sentAlone;
  private final int family;
  private final InetSocketAddress localAddress;

  /** Socket options applied before bind. */
  public record Options(boolean reusePort, boolean ipv6Only, int receiveBuffer, int sendBuffer) {
    /** SO_REUSEPORT on, dual-stack, kernel default buffer sizes. */
    public static Options defaults() {
      return new Options(true, false, 0, 0);
    }

    public Options withBuffers(int receive, int send) {
      return new Options(reusePort, ipv6Only, receive, send);
    }

    public Options withIpv6Only(boolean only) {
      return new Options(reusePort, only, receiveBuffer, sendBuffer);
    }

    public Options withReusePort(boolean on) {
      return new Options(on, ipv6Only, receiveBuffer, sendBuffer);
    }
  }

  private UdpSocket(FileDescriptor fd, int family, InetSocketAddress localAddress) {
    this.fd = fd;
    this.family = family;
    this.localAddress = localAddress;
  }

  /**
   * Opens a socket of the family of {@code bindAddress}, applies {@code options}, turns on PKTINFO
   * reception and binds. Port 0 picks a free port.
   */
  public static UdpSocket bind(InetSocketAddress bindAddress, Options options)
      throws NativeIoException {
    int family = bindAddress.getAddress() instanceof Inet4Address ? Linux.AF_INET : Linux.AF_INET6;
    String what = "UDP socket " + bindAddress;
    int raw =
        LibC.check(
            LibC.socket(family, Linux.SOCK_DGRAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC, 0),
            "socket",
            what);
    FileDescriptor fd = new FileDescriptor(raw, what);
    try {
      if (options.reusePort()) {
        setInt(raw, Linux.SOL_SOCKET, Linux.SO_REUSEPORT, 1, "SO_REUSEPORT", what);
      }
      if (family == Linux.AF_INET6) {
        setInt(
            raw, Linux.IPPROTO_IPV6, Linux.IPV6_V6ONLY, options.ipv6Only() ? 1 : 0, "V6ONLY", what);
        setInt(raw, Linux.IPPROTO_IPV6, Linux.IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO", what);
      }
      if (family == Linux.AF_INET) {
        // A dual-stack socket needs no IP_PKTINFO: IPV6_RECVPKTINFO also reports IPv4 datagrams
        // (as v4-mapped addresses), and a second control message per datagram costs time.
        setInt(raw, Linux.IPPROTO_IP, Linux.IP_PKTINFO, 1, "IP_PKTINFO", what);
      }
      if (options.receiveBuffer() > 0) {
        setBuffer(raw, Linux.SO_RCVBUFFORCE, Linux.SO_RCVBUF, options.receiveBuffer(), what);
      }
      if (options.sendBuffer() > 0) {
        setBuffer(raw, Linux.SO_SNDBUFFORCE, Linux.SO_SNDBUF, options.sendBuffer(), what);
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment addr = arena.allocate(SockAddr.MAX_SIZE, 8);
        int len = SockAddr.encode(bindAddress, family, addr, 0);
        LibC.check(LibC.bind(raw, addr, len), "bind", what);
        MemorySegment lenPtr = arena.allocate(JAVA_INT);
        lenPtr.set(JAVA_INT, 0, SockAddr.MAX_SIZE);
        LibC.check(LibC.getsockname(raw, addr, lenPtr), "getsockname", what);
        return new UdpSocket(fd, family, SockAddr.decode(addr, 0));
      }
    } catch (NativeIoException | RuntimeException e) {
      closeQuietly(fd, e);
      throw e;
    }
  }

  private static void setBuffer(int fd, int force, int plain, int bytes, String what)
      throws NativeIoException {
    // The FORCE variants pass net.core.[rw]mem_max but need CAP_NET_ADMIN; fall back without it.
    if (setIntRaw(fd, Linux.SOL_SOCKET, force, bytes) < 0) {
      setInt(fd, Linux.SOL_SOCKET, plain, bytes, "SO_RCVBUF/SO_SNDBUF", what);
    }
  }

  static void setInt(int fd, int level, int name, int value, String option, String what)
      throws NativeIoException {
    LibC.check(setIntRaw(fd, level, name, value), "setsockopt(" + option + ")", what);
  }

  static int setIntRaw(int fd, int level, int name, int value) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment v = arena.allocate(JAVA_INT);
      v.set(JAVA_INT, 0, value);
      return LibC.setsockopt(fd, level, name, v, 4);
    }
  }

  static void closeQuietly(FileDescriptor fd, Exception cause) {
    try {
      fd.close();
    } catch (NativeIoException closeFailure) {
      cause.addSuppressed(closeFailure);
    }
  }

  /** The address the socket is bound to, with the port the kernel chose. */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  public FileDescriptor fd() {
    return fd;
  }

  /**
   * Attaches a classic BPF program that picks the socket of the SO_REUSEPORT group for each
   * datagram; it applies to the whole group.
   */
  public void attachReuseportProgram(ReuseportSteering program) throws NativeIoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment fprog = program.toSockFprog(arena);
      LibC.check(
          LibC.setsockopt(
              fd.intValue(),
              Linux.SOL_SOCKET,
              Linux.SO_ATTACH_REUSEPORT_CBPF,
              fprog,
              (int) Structs.SOCK_FPROG.byteSize()),
          "setsockopt(SO_ATTACH_REUSEPORT_CBPF)",
          localAddress.toString());
    }
  }

  /**
   * Receives up to {@code batch.capacity()} datagrams without blocking. Returns how many arrived (0
   * when none were waiting).
   */
  public int receive(ReceiveBatch batch) throws NativeIoException {
    batch.prepareReceive();
    while (true) {
      int rc = LibC.recvmmsg(fd.intValue(), batch.headers(), batch.capacity(), Linux.MSG_DONTWAIT);
      if (rc >= 0) {
        batch.completeReceive(rc);
        return rc;
      }
      if (rc == -Linux.EAGAIN) {
        return 0;
      }
      if (rc != -Linux.EINTR) {
        throw new NativeIoException("recvmmsg", -rc, localAddress.toString());
      }
    }
  }

  /**
   * Sends every datagram queued in {@code batch} without blocking and clears it. A datagram the
   * kernel refuses (unreachable, full buffer) is skipped; returns how many were skipped, and {@link
   * SendBatch#lastSendErrno()} says why.
   */
  public int send(SendBatch batch) {
    int skipped = sendKeepingBatch(batch);
    batch.clear();
    return skipped;
  }

  /**
   * Like {@link #send} but leaves the datagrams queued, so that a load generator can send the same
   * batch again without copying it.
   */
  public int sendKeepingBatch(SendBatch batch) {
    int total = batch.messageCount();
    int offset = 0;
    int skipped = 0;
    long sentBytes = 0;
    batch.lastSendErrno(0);
    MemorySegment headers = batch.headers();
    while (offset < total) {
      int rc =
          LibC.sendmmsg(
              fd.intValue(),
              headers.asSlice(batch.headerOffset(offset)),
              total - offset,
              Linux.MSG_DONTWAIT);
      if (rc > 0) {
        for (int m = offset; m < offset + rc; m++) {
          sentBytes += batch.messageBytes(m);
        }
        offset += rc;
      } else if (rc == -Linux.EINTR) {
        continue;
      } else if (rc == -Linux.EAGAIN) {
        batch.lastSendErrno(-rc);
        for (int m = offset; m < total; m++) {
          skipped += batch.messageDatagrams(m);
        }
        break;
      } else if (batch.messageDatagrams(offset) > 1 && refusesSegmentation(-rc)) {
        // Cut apart here what the kernel or the path would not: nothing is lost. EMSGSIZE is
        // about this path's MTU; the others mean no UDP GSO on this kernel or device at all.
        if (rc != -Linux.EMSGSIZE) {
          batch.segmentation(false);
          segmentationRefused = -rc;
        }
        long[] sent = sendSegmentsAlone(batch, offset);
        sentBytes += sent[0];
        skipped += (int) sent[1];
        offset++;
      } else {
        batch.lastSendErrno(-rc);
        skipped += batch.messageDatagrams(offset);
        offset++;
      }
    }
    batch.lastSentBytes(sentBytes);
    return skipped;
  }

  private static boolean refusesSegmentation(int errno) {
    return errno == Linux.EIO || errno == Linux.EINVAL || errno == Linux.EMSGSIZE;
  }

  /** Sends message {@code m}'s datagrams one by one; returns {bytes sent, datagrams skipped}. */
  private long[] sendSegmentsAlone(SendBatch batch, int m) {
    long bytes = 0;
    long skipped = 0;
    for (int k = 0; k < batch.messageDatagrams(m); k++) {
      long h = batch.singleSegmentHeader(m, k);
      int rc;
      do {
        rc = LibC.sendmmsg(fd.intValue(), batch.headers().asSlice(h), 1, Linux.MSG_DONTWAIT);
      } while (rc == -Linux.EINTR);
      if (rc == 1) {
        bytes += batch.datagramLength(m, k);
        sentAlone++; // this socket's thread only
      } else {
        batch.lastSendErrno(-rc);
        skipped++;
      }
    }
    return new long[] {bytes, skipped};
  }

  /**
   * errno with which the kernel refused a segmented (UDP GSO) send on this socket, after which its
   * batches fell back to one datagram per message; 0 if it never did.
   */
  public int segmentationRefused() {
    return segmentationRefused;
  }

  /**
   * Why {@link #segmentationRefused()} happened, e.g. {@code sendmmsg: EIO}; null if it never did.
   */
  public String segmentationRefusal() {
    int errno = segmentationRefused;
    return errno == 0 ? null : "sendmmsg with UDP_SEGMENT: " + Errno.name(errno);
  }

  /** Datagrams of refused segmented messages that were then sent one by one. */
  public long sentAlone() {
    return sentAlone;
  }

  /** Queues and sends one datagram; a convenience for control paths and tests. */
  public void sendTo(
      java.nio.ByteBuffer payload, InetSocketAddress remote, InetAddress localSource, int ifindex)
      throws NativeIoException {
    try (SendBatch one = newSendBatch(1, Math.max(1, payload.remaining()))) {
      one.add(remote, localSource, ifindex, payload);
      if (send(one) > 0) {
        throw new NativeIoException("sendmmsg", one.lastSendErrno(), "to " + remote);
      }
    }
  }

  /**
   * A receive batch for this socket: {@code capacity} datagrams per system call of up to {@code
   * bufferSize} bytes each (longer ones arrive truncated and flagged).
   */
  public ReceiveBatch newReceiveBatch(int capacity, int bufferSize) {
    return new ReceiveBatch(capacity, bufferSize);
  }

  /**
   * A send batch for this socket: {@code capacity} datagrams per system call of up to {@code
   * bufferSize} bytes each, destinations encoded for this socket's family.
   */
  public SendBatch newSendBatch(int capacity, int bufferSize) {
    return new SendBatch(capacity, bufferSize, family);
  }

  @Override
  public void close() throws NativeIoException {
    fd.close();
  }

  @Override
  public String toString() {
    return "UdpSocket[" + localAddress + "]";
  }

  static InetAddress wildcard(boolean ipv6) {
    try {
      return InetAddress.getByAddress(new byte[ipv6 ? 16 : 4]);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
