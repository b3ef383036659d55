package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The TCP transport's listening socket on the gateway port: MPTCP when the kernel of the calling
 * thread's network namespace offers it, plain TCP otherwise, with the reason recorded so that
 * status can say why multipath is off instead of failing silently. An MPTCP listener also accepts
 * plain TCP clients (their connections fall back to TCP).
 *
 * <p>An IPv6 address gives a dual-stack listener unless {@link Options#ipv6Only()}; accepting is
 * non-blocking.
 */
public final class TcpListener implements AutoCloseable {
  private static final Path MPTCP_SYSCTL = Path.of("/proc/sys/net/mptcp/enabled");

  private final FileDescriptor fd;
  private final InetSocketAddress localAddress;
  private final Protocol protocol;
  private final TcpOptions connectionOptions;

  /**
   * Which protocol the listener runs and why.
   *
   * @param mptcp the listener is an MPTCP socket
   * @param reason why it is not (errno of the MPTCP socket() call, or the sysctl), null when it is
   */
  public record Protocol(boolean mptcp, String reason) {}

  /**
   * @param mptcp try MPTCP first (falls back to TCP with a reason); false: plain TCP
   * @param ipv6Only for an IPv6 address: refuse IPv4-mapped peers
   * @param reuseAddress SO_REUSEADDR, so that a restarted agent can bind at once
   * @param backlog listen() backlog
   * @param connectionOptions applied to every accepted connection
   */
  public record Options(
      boolean mptcp,
      boolean ipv6Only,
      boolean reuseAddress,
      int backlog,
      TcpOptions connectionOptions) {
    /** MPTCP preferred, dual-stack, SO_REUSEADDR, backlog 1024, default connection options. */
    public static Options defaults() {
      return new Options(true, false, true, 1024, TcpOptions.defaults());
    }

    public Options withMptcp(boolean on) {
      return new Options(on, ipv6Only, reuseAddress, backlog, connectionOptions);
    }

    public Options withIpv6Only(boolean only) {
      return new Options(mptcp, only, reuseAddress, backlog, connectionOptions);
    }

    public Options withConnectionOptions(TcpOptions options) {
      return new Options(mptcp, ipv6Only, reuseAddress, backlog, options);
    }
  }

  private TcpListener(
      FileDescriptor fd,
      InetSocketAddress localAddress,
      Protocol protocol,
      TcpOptions connectionOptions) {
    this.fd = fd;
    this.localAddress = localAddress;
    this.protocol = protocol;
    this.connectionOptions = connectionOptions;
  }

  /** Opens, binds and listens on {@code bindAddress} (port 0 picks a free port). */
  public static TcpListener open(InetSocketAddress bindAddress, Options options)
      throws NativeIoException {
    int family = bindAddress.getAddress() instanceof Inet4Address ? Linux.AF_INET : Linux.AF_INET6;
    int type = Linux.SOCK_STREAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC;
    Protocol protocol;
    int raw;
    if (options.mptcp()) {
      raw = LibC.socket(family, type, Linux.IPPROTO_MPTCP);
      protocol = raw >= 0 ? new Protocol(true, null) : new Protocol(false, whyNoMptcp(-raw));
    } else {
      raw = -1;
      protocol = new Protocol(false, "MPTCP not requested");
    }
    String what = "TCP listener " + bindAddress;
    if (raw < 0) {
      raw = LibC.check(LibC.socket(family, type, StreamCalls.IPPROTO_TCP), "socket", what);
    }
    FileDescriptor fd =
        new FileDescriptor(raw, (protocol.mptcp() ? "MPTCP" : "TCP") + " listener " + bindAddress);
    try {
      if (options.reuseAddress()) {
        check(
            StreamCalls.setInt(raw, Linux.SOL_SOCKET, Linux.SO_REUSEADDR, 1), "SO_REUSEADDR", what);
      }
      if (family == Linux.AF_INET6) {
        check(
            StreamCalls.setInt(
                raw, Linux.IPPROTO_IPV6, Linux.IPV6_V6ONLY, options.ipv6Only() ? 1 : 0),
            "IPV6_V6ONLY",
            what);
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment addr = arena.allocate(SockAddr.MAX_SIZE, 8);
        int len = SockAddr.encode(bindAddress, family, addr, 0);
        LibC.check(LibC.bind(raw, addr, len), "bind", what);
        LibC.check(StreamCalls.listen(raw, options.backlog()), "listen", what);
        MemorySegment lenPtr = arena.allocate(JAVA_INT);
        lenPtr.set(JAVA_INT, 0, SockAddr.MAX_SIZE);
        LibC.check(LibC.getsockname(raw, addr, lenPtr), "getsockname", what);
        return new TcpListener(fd, SockAddr.decode(addr, 0), protocol, options.connectionOptions());
      }
    } catch (NativeIoException | RuntimeException e) {
      UdpSocket.closeQuietly(fd, e);
      throw e;
    }
  }

  private static void check(int rc, String option, String what) throws NativeIoException {
    LibC.check(rc, "setsockopt(" + option + ")", what);
  }

  /**
   * Explains a failed socket(IPPROTO_MPTCP): the kernel answers ENOPROTOOPT when {@code
   * net.mptcp.enabled} is 0 in this network namespace, and EPROTONOSUPPORT / EINVAL when it was
   * built without MPTCP.
   */
  static String whyNoMptcp(int errno) {
    String call =
        new NativeIoException("socket(IPPROTO_MPTCP)", errno, "MPTCP listener").getMessage();
    try {
      String enabled = Files.readString(MPTCP_SYSCTL).trim();
      if (enabled.equals("0")) {
        return "net.mptcp.enabled=0 in this network namespace; " + call;
      }
      return call + " (net.mptcp.enabled=" + enabled + ")";
    } catch (NoSuchFileException e) {
      return "kernel without MPTCP (" + MPTCP_SYSCTL + " is missing); " + call;
    } catch (IOException e) {
      return call + " (reading " + MPTCP_SYSCTL + " failed: " + e.getMessage() + ")";
    }
  }

  /**
   * Accepts one pending connection without blocking; null when none is waiting. The connection is
   * non-blocking and has the listener's connection options applied.
   */
  public TcpSocket accept() throws NativeIoException {
    while (true) {
      int raw =
          StreamCalls.accept4(
              fd.intValue(),
              MemorySegment.NULL,
              MemorySegment.NULL,
              Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC);
      if (raw >= 0) {
        return TcpSocket.adopt(raw, connectionOptions, localAddress.toString());
      }
      if (raw == -Linux.EAGAIN) {
        return null;
      }
      // ECONNABORTED: the client reset the connection while it waited in the backlog.
      if (raw != -Linux.EINTR && raw != -StreamCalls.ECONNABORTED) {
        throw new NativeIoException("accept4", -raw, localAddress.toString());
      }
    }
  }

  /**
   * Waits up to {@code timeoutMillis} for a pending connection; for tests and simple callers (the
   * gateway watches the listener with epoll).
   */
  public boolean awaitAcceptable(int timeoutMillis) throws NativeIoException {
    return StreamCalls.pollOne(fd.intValue(), StreamCalls.POLLIN, timeoutMillis) != 0;
  }

  /** MPTCP or TCP, and why not MPTCP. */
  public Protocol protocol() {
    return protocol;
  }

  public boolean isMptcp() {
    return protocol.mptcp();
  }

  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /** The descriptor, for epoll. */
  public FileDescriptor fd() {
    return fd;
  }

  @Override
  public void close() throws NativeIoException {
    fd.close();
  }

  @Override
  public String toString() {
    return (protocol.mptcp() ? "MPTCP" : "TCP") + " listener " + localAddress;
  }
}
