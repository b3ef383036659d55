package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One non-blocking TCP or MPTCP connection. {@link #read} and {@link #write} never throw on the
 * data path: they return a byte count or {@code -errno} (e.g. {@code -EAGAIN}, {@code -ECONNRESET},
 * {@code -EPIPE}, {@code -ETIMEDOUT}), because the errno of a failed stream call tells what
 * happened to the connection and the caller classifies it.
 *
 * <p>Sends use MSG_NOSIGNAL: a write to a reset connection returns {@code -EPIPE} instead of
 * raising SIGPIPE.
 */
public final class TcpSocket implements AutoCloseable {
  /** Scratch size for heap buffers; direct buffers are passed to the kernel as they are. */
  private static final int SCRATCH = 64 * 1024;

  /** Room for struct mptcp_info, which grows between kernels; the kernel copies what fits. */
  private static final int MPTCP_INFO_BYTES = 256;

  private final FileDescriptor fd;
  private final InetSocketAddress localAddress;
  private final InetSocketAddress remoteAddress;
  private final boolean mptcp;
  private final List<String> unappliedOptions;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment scratch;

  private TcpSocket(
      FileDescriptor fd,
      InetSocketAddress localAddress,
      InetSocketAddress remoteAddress,
      boolean mptcp,
      List<String> unappliedOptions) {
    this.fd = fd;
    this.localAddress = localAddress;
    this.remoteAddress = remoteAddress;
    this.mptcp = mptcp;
    this.unappliedOptions = List.copyOf(unappliedOptions);
    this.scratch = arena.allocate(SCRATCH, 16);
  }

  /** Wraps an accepted descriptor: reads both addresses, applies {@code options}. */
  static TcpSocket adopt(int raw, TcpOptions options, String origin) throws NativeIoException {
    FileDescriptor fd = new FileDescriptor(raw, "TCP connection from " + origin);
    try {
      return create(fd, options);
    } catch (NativeIoException | RuntimeException e) {
      UdpSocket.closeQuietly(fd, e);
      throw e;
    }
  }

  private static TcpSocket create(FileDescriptor fd, TcpOptions options) throws NativeIoException {
    int raw = fd.intValue();
    InetSocketAddress local = address(raw, true);
    InetSocketAddress remote = address(raw, false);
    boolean mptcp = isMptcp(raw);
    List<String> unapplied = applyOptions(raw, options, mptcp, local + " <-> " + remote);
    return new TcpSocket(fd, local, remote, mptcp, unapplied);
  }

  /**
   * Connects to {@code remote} (blocking up to {@code timeout}), over MPTCP when {@code useMptcp},
   * and returns a non-blocking connection. For clients and tests; the gateway only accepts.
   */
  public static TcpSocket connect(
      InetSocketAddress remote, boolean useMptcp, TcpOptions options, Duration timeout)
      throws NativeIoException {
    int family = remote.getAddress() instanceof Inet4Address ? Linux.AF_INET : Linux.AF_INET6;
    String what = (useMptcp ? "MPTCP" : "TCP") + " connection to " + remote;
    int raw =
        LibC.check(
            LibC.socket(
                family,
                Linux.SOCK_STREAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC,
                useMptcp ? Linux.IPPROTO_MPTCP : StreamCalls.IPPROTO_TCP),
            "socket",
            what);
    FileDescriptor fd = new FileDescriptor(raw, what);
    try (Arena a = Arena.ofConfined()) {
      MemorySegment addr = a.allocate(SockAddr.MAX_SIZE, 8);
      int len = SockAddr.encode(remote, family, addr, 0);
      int rc = LibC.connect(raw, addr, len);
      if (rc == -StreamCalls.EINPROGRESS) {
        int ready =
            StreamCalls.pollOne(raw, StreamCalls.POLLOUT, (int) Math.max(1, timeout.toMillis()));
        if (ready == 0) {
          throw new NativeIoException(
              "connect", StreamCalls.ETIMEDOUT, what + " (no answer in " + timeout + ")");
        }
        rc = -StreamCalls.getInt(raw, Linux.SOL_SOCKET, StreamCalls.SO_ERROR);
      }
      LibC.check(rc, "connect", what);
      return create(fd, options);
    } catch (NativeIoException | RuntimeException e) {
      UdpSocket.closeQuietly(fd, e);
      throw e;
    }
  }

  private static InetSocketAddress address(int raw, boolean local) throws NativeIoException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment addr = a.allocate(SockAddr.MAX_SIZE, 8);
      MemorySegment len = a.allocate(JAVA_INT);
      len.set(JAVA_INT, 0, SockAddr.MAX_SIZE);
      int rc = local ? LibC.getsockname(raw, addr, len) : StreamCalls.getpeername(raw, addr, len);
      LibC.check(rc, local ? "getsockname" : "getpeername", "fd " + raw);
      return SockAddr.decode(addr, 0);
    }
  }

  /**
   * Whether the connection really runs MPTCP: TCP_IS_MPTCP is 1 on an MPTCP socket and 0 on plain
   * TCP, including an MPTCP socket that fell back because the peer did not offer MP_CAPABLE.
   */
  private static boolean isMptcp(int raw) throws NativeIoException {
    try {
      return StreamCalls.getInt(raw, StreamCalls.SOL_TCP, StreamCalls.TCP_IS_MPTCP) == 1;
    } catch (NativeIoException e) {
      if (e.errno() == StreamCalls.ENOPROTOOPT) {
        return false; // kernels before 5.16 do not know the option, nor MPTCP fallback reporting
      }
      throw e;
    }
  }

  /**
   * Applies {@code options}. On plain TCP any failure throws; MPTCP does not support every TCP
   * option on every kernel, so there a refused option is returned as a note instead.
   */
  private static List<String> applyOptions(int raw, TcpOptions options, boolean mptcp, String what)
      throws NativeIoException {
    List<String> unapplied = new ArrayList<>();
    OptionSetter set =
        (level, option, value, name) -> {
          int rc = StreamCalls.setInt(raw, level, option, value);
          if (rc < 0) {
            NativeIoException e = new NativeIoException("setsockopt(" + name + ")", -rc, what);
            if (!mptcp) {
              throw e;
            }
            unapplied.add(e.getMessage());
          }
        };
    set.apply(StreamCalls.SOL_TCP, StreamCalls.TCP_NODELAY, options.noDelay() ? 1 : 0, "NODELAY");
    if (!options.userTimeout().isZero()) {
      set.apply(
          StreamCalls.SOL_TCP,
          StreamCalls.TCP_USER_TIMEOUT,
          Math.toIntExact(options.userTimeout().toMillis()),
          "TCP_USER_TIMEOUT");
    }
    if (options.keepalive()) {
      set.apply(Linux.SOL_SOCKET, StreamCalls.SO_KEEPALIVE, 1, "SO_KEEPALIVE");
      if (!options.keepaliveIdle().isZero()) {
        set.apply(
            StreamCalls.SOL_TCP,
            StreamCalls.TCP_KEEPIDLE,
            seconds(options.keepaliveIdle()),
            "TCP_KEEPIDLE");
      }
      if (!options.keepaliveInterval().isZero()) {
        set.apply(
            StreamCalls.SOL_TCP,
            StreamCalls.TCP_KEEPINTVL,
            seconds(options.keepaliveInterval()),
            "TCP_KEEPINTVL");
      }
      if (options.keepaliveProbes() > 0) {
        set.apply(
            StreamCalls.SOL_TCP, StreamCalls.TCP_KEEPCNT, options.keepaliveProbes(), "TCP_KEEPCNT");
      }
    }
    return unapplied;
  }

  private static int seconds(Duration d) {
    return (int) Math.max(1, d.toSeconds());
  }

  @FunctionalInterface
  private interface OptionSetter {
    void apply(int level, int option, int value, String name) throws NativeIoException;
  }

  /**
   * Reads into {@code dst} from its position without blocking. Returns the bytes read (and advances
   * the position), 0 at end of stream (the peer's FIN), or {@code -errno}; {@code -EAGAIN} means
   * nothing is waiting.
   */
  public int read(ByteBuffer dst) {
    int want = dst.remaining();
    if (want == 0) {
      throw new IllegalArgumentException("read into a full buffer");
    }
    boolean direct = dst.isDirect();
    MemorySegment target =
        direct ? MemorySegment.ofBuffer(dst) : scratch.asSlice(0, Math.min(want, SCRATCH));
    long rc;
    do {
      rc = StreamCalls.recv(fd.intValue(), target, target.byteSize(), 0);
    } while (rc == -Linux.EINTR);
    if (rc > 0) {
      int n = (int) rc;
      if (!direct) {
        MemorySegment.copy(
            scratch, JAVA_BYTE, 0, dst.array(), dst.arrayOffset() + dst.position(), n);
      }
      dst.position(dst.position() + n);
    }
    return (int) rc;
  }

  /**
   * Writes from {@code src}'s position without blocking. Returns the bytes the kernel took (and
   * advances the position) or {@code -errno}; {@code -EAGAIN} means the send buffer is full.
   */
  public int write(ByteBuffer src) {
    int want = src.remaining();
    if (want == 0) {
      return 0;
    }
    MemorySegment source;
    if (src.isDirect()) {
      source = MemorySegment.ofBuffer(src);
    } else {
      int n = Math.min(want, SCRATCH);
      MemorySegment.copy(src.array(), src.arrayOffset() + src.position(), scratch, JAVA_BYTE, 0, n);
      source = scratch.asSlice(0, n);
    }
    long rc;
    do {
      rc = StreamCalls.send(fd.intValue(), source, source.byteSize(), StreamCalls.MSG_NOSIGNAL);
    } while (rc == -Linux.EINTR);
    if (rc > 0) {
      src.position(src.position() + (int) rc);
    }
    return (int) rc;
  }

  /** Sends a FIN (shutdown(SHUT_WR)); reading stays possible. */
  public void shutdownOutput() throws NativeIoException {
    LibC.check(StreamCalls.shutdown(fd.intValue(), StreamCalls.SHUT_WR), "shutdown", toString());
  }

  /**
   * Waits up to {@code timeoutMillis} until the connection is readable (data, FIN or an error);
   * returns whether it is. For clients and tests: the gateway watches connections with epoll.
   */
  public boolean awaitReadable(int timeoutMillis) throws NativeIoException {
    return StreamCalls.pollOne(fd.intValue(), StreamCalls.POLLIN, timeoutMillis) != 0;
  }

  /** Closes with a reset instead of a FIN (SO_LINGER 0): unread and unsent data are discarded. */
  public void abort() throws NativeIoException {
    LibC.check(StreamCalls.setLinger(fd.intValue(), true, 0), "setsockopt(SO_LINGER)", toString());
    close();
  }

  /** The descriptor, for epoll. */
  public FileDescriptor fd() {
    return fd;
  }

  public InetSocketAddress localAddress() {
    return localAddress;
  }

  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  /** Whether this connection runs MPTCP (false after a fallback to plain TCP). */
  public boolean isMptcp() {
    return mptcp;
  }

  /**
   * How many subflows the MPTCP path manager has added beyond the first ({@code mptcpi_subflows},
   * the first byte of struct mptcp_info); -1 when the connection is not MPTCP.
   */
  public int mptcpExtraSubflows() throws NativeIoException {
    if (!mptcp) {
      return -1;
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment info = a.allocate(MPTCP_INFO_BYTES, 8);
      MemorySegment len = a.allocate(JAVA_INT);
      len.set(JAVA_INT, 0, MPTCP_INFO_BYTES);
      LibC.check(
          LibC.getsockopt(fd.intValue(), StreamCalls.SOL_MPTCP, StreamCalls.MPTCP_INFO, info, len),
          "getsockopt(MPTCP_INFO)",
          toString());
      return Byte.toUnsignedInt(info.get(JAVA_BYTE, 0));
    }
  }

  /** Options MPTCP refused (syscall and errno each); empty on plain TCP, which fails instead. */
  public List<String> unappliedOptions() {
    return unappliedOptions;
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

  @Override
  public String toString() {
    return (mptcp ? "MPTCP " : "TCP ") + localAddress + " <-> " + remoteAddress;
  }
}
