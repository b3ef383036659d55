package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The libc calls only stream sockets need (listen, accept4, send, recv, shutdown, poll), bound one
 * to one like {@link LibC} and through its errno capture: a non-negative result, or {@code -errno}
 * captured on the calling thread.
 */
final class StreamCalls {
  static final int SOL_TCP = 6;
  static final int IPPROTO_TCP = 6;
  static final int TCP_NODELAY = 1;
  static final int TCP_KEEPIDLE = 4;
  static final int TCP_KEEPINTVL = 5;
  static final int TCP_KEEPCNT = 6;
  static final int TCP_USER_TIMEOUT = 18;
  static final int TCP_IS_MPTCP = 43;
  static final int SOL_MPTCP = 284;
  static final int MPTCP_INFO = 1;
  static final int SO_ERROR = 4;
  static final int SO_KEEPALIVE = 9;
  static final int SO_LINGER = 13;
  static final int SHUT_WR = 1;
  static final int MSG_NOSIGNAL = 0x4000;
  static final short POLLIN = 0x1;
  static final short POLLOUT = 0x4;
  static final int EINPROGRESS = 115;
  static final int ENOPROTOOPT = 92;
  static final int ECONNABORTED = 103;
  static final int ETIMEDOUT = 110;

  private static final MethodHandle LISTEN = LibC.withErrno("listen", JAVA_INT, JAVA_INT, JAVA_INT);
  private static final MethodHandle ACCEPT4 =
      LibC.withErrno("accept4", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
  private static final MethodHandle SHUTDOWN =
      LibC.withErrno("shutdown", JAVA_INT, JAVA_INT, JAVA_INT);
  private static final MethodHandle GETPEERNAME =
      LibC.withErrno("getpeername", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
  private static final MethodHandle POLL =
      LibC.withErrno("poll", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
  private static final MethodHandle SEND =
      LibC.withErrno("send", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
  private static final MethodHandle RECV =
      LibC.withErrno("recv", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);

  private StreamCalls() {}

  static int listen(int fd, int backlog) {
    MemorySegment s = LibC.CAPTURE.get();
    try {
      return LibC.result(s, (int) LISTEN.invokeExact(s, fd, backlog));
    } catch (Throwable t) {
      throw LibC.rethrow(t);
    }
  }

  static int accept4(int fd, MemorySegment addr, MemorySegment lenPtr, int flags) {
    MemorySegment s = LibC.CAPTURE.get();
    try {
      return LibC.result(s, (int) ACCEPT4.invokeExact(s, fd, addr, lenPtr, flags));
    } catch (Throwable t) {
      throw LibC.rethrow(t);
    }
  }

  static int shutdown(int fd, int how) {
    MemorySegment s = LibC.CAPTURE.get();
    try {
      return LibC.result(s, (int) SHUTDOWN.invokeExact(s, fd, how));
    } catch (Throwable t) {
      throw LibC.rethrow(t);
    }
  }

  static int getpeername(int fd, MemorySegment addr, MemorySegment lenPtr) {
    MemorySegment s = LibC.CAPTURE.get();
    try {
      return LibC.result(s, (int) GETPEERNAME.invokeExact(s, fd, addr, lenPtr));
    } catch (Throwable t) {
      throw LibC.rethrow(t);
    }
  }

  static int poll(MemorySegment fds, long count, int timeoutMillis) {
    MemorySegment s = LibC.CAPTURE.get();
    try {
      return LibC.result(s, (int) POLL.invokeExact(s, fds, count, timeoutMillis));
    } catch (Throwable t) {
      throw LibC.rethrow(t);
    }
  }

  static long send(int fd, MemorySegment buf, long len, int flags) {
    MemorySegment s = LibC.CAPTURE.get();
    try {
      return LibC.result(s, (long) SEND.invokeExact(s, fd, buf, len, flags));
    } catch (Throwable t) {
      throw LibC.rethrow(t);
    }
  }

  static long recv(int fd, MemorySegment buf, long len, int flags) {
    MemorySegment s = LibC.CAPTURE.get();
    try {
      return LibC.result(s, (long) RECV.invokeExact(s, fd, buf, len, flags));
    } catch (Throwable t) {
      throw LibC.rethrow(t);
    }
  }

  /** setsockopt with an int value; returns 0 or {@code -errno}. */
  static int setInt(int fd, int level, int option, int value) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment v = arena.allocate(JAVA_INT);
      v.set(JAVA_INT, 0, value);
      return LibC.setsockopt(fd, level, option, v, 4);
    }
  }

  /** getsockopt of an int. */
  static int getInt(int fd, int level, int option) throws NativeIoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment v = arena.allocate(JAVA_INT);
      MemorySegment len = arena.allocate(JAVA_INT);
      len.set(JAVA_INT, 0, 4);
      LibC.check(
          LibC.getsockopt(fd, level, option, v, len),
          "getsockopt",
          "level " + level + " option " + option);
      return v.get(JAVA_INT, 0);
    }
  }

  /** struct linger {int l_onoff; int l_linger;}. */
  static int setLinger(int fd, boolean on, int seconds) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment v = arena.allocate(8, 4);
      v.set(JAVA_INT, 0, on ? 1 : 0);
      v.set(JAVA_INT, 4, seconds);
      return LibC.setsockopt(fd, Linux.SOL_SOCKET, SO_LINGER, v, 8);
    }
  }

  /**
   * Waits until {@code fd} has one of {@code events} (struct pollfd {int fd; short events; short
   * revents;}); returns the revents, 0 on timeout.
   */
  static int pollOne(int fd, short events, int timeoutMillis) throws NativeIoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment pfd = arena.allocate(8, 4);
      pfd.set(JAVA_INT, 0, fd);
      pfd.set(JAVA_SHORT, 4, events);
      while (true) {
        int rc = poll(pfd, 1, timeoutMillis);
        if (rc == -Linux.EINTR) {
          continue;
        }
        LibC.check(rc, "poll", "fd " + fd);
        return rc == 0 ? 0 : pfd.get(JAVA_SHORT, 6);
      }
    }
  }
}
