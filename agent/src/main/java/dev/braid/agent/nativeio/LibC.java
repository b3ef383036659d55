package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * One-to-one bindings to the libc calls Braid uses. Every call returns the libc result when it is
 * non-negative and {@code -errno} when it fails, so that hot paths can test for {@code EAGAIN}
 * without an exception; {@link #check} turns a failure into a {@link NativeIoException}.
 *
 * <p>errno is captured by the linker into a segment owned by the calling thread: workers call these
 * concurrently and must never see each other's errno.
 */
final class LibC {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  /** errno capture segment of the calling thread; shared with the other binding classes. */
  static final ThreadLocal<MemorySegment> CAPTURE =
      ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

  private static final MethodHandle SOCKET = handle("socket", JAVA_INT, JAVA_INT, JAVA_INT);
  private static final MethodHandle BIND = handle("bind", JAVA_INT, ADDRESS, JAVA_INT);
  private static final MethodHandle CONNECT = handle("connect", JAVA_INT, ADDRESS, JAVA_INT);
  private static final MethodHandle GETSOCKNAME = handle("getsockname", JAVA_INT, ADDRESS, ADDRESS);
  private static final MethodHandle SETSOCKOPT =
      handle("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
  private static final MethodHandle GETSOCKOPT =
      handle("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
  private static final MethodHandle CLOSE = handle("close", JAVA_INT);
  // Packet-path calls use the ordinary linkage with errno capture. Linker.Option.critical (no
  // thread-state transition) measured no gain on a TUN write (0.99 of a normal call).
  private static final MethodHandle RECVMMSG =
      withErrno("recvmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);
  private static final MethodHandle SENDMMSG =
      withErrno("sendmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
  private static final MethodHandle READ =
      withErrno("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
  private static final MethodHandle WRITE =
      withErrno("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
  private static final MethodHandle EPOLL_CREATE1 = handle("epoll_create1", JAVA_INT);
  private static final MethodHandle EPOLL_CTL =
      handle("epoll_ctl", JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
  private static final MethodHandle EPOLL_WAIT =
      handle("epoll_wait", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
  private static final MethodHandle EVENTFD = handle("eventfd", JAVA_INT, JAVA_INT);
  private static final MethodHandle SETNS = handle("setns", JAVA_INT, JAVA_INT);
  private static final MethodHandle SCHED_SETAFFINITY =
      handle("sched_setaffinity", JAVA_INT, JAVA_LONG, ADDRESS);
  private static final MethodHandle OPEN =
      LINKER.downcallHandle(
          symbol("open"),
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
          Linker.Option.firstVariadicArg(2),
          Linker.Option.captureCallState("errno"));
  private static final MethodHandle IOCTL =
      LINKER.downcallHandle(
          symbol("ioctl"),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
          Linker.Option.firstVariadicArg(2),
          Linker.Option.captureCallState("errno"));

  private LibC() {}

  private static MemorySegment symbol(String name) {
    return LINKER
        .defaultLookup()
        .find(name)
        .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
  }

  private static MethodHandle handle(String name, MemoryLayout... args) {
    return LINKER.downcallHandle(
        symbol(name),
        FunctionDescriptor.of(JAVA_INT, args),
        Linker.Option.captureCallState("errno"));
  }

  /** A downcall handle that captures errno, for the binding classes of this package. */
  static MethodHandle withErrno(String name, MemoryLayout result, MemoryLayout... args) {
    return LINKER.downcallHandle(
        symbol(name), FunctionDescriptor.of(result, args), Linker.Option.captureCallState("errno"));
  }

  /** {@code rc}, or {@code -errno} read from {@code capture} when {@code rc} is negative. */
  static int result(MemorySegment capture, int rc) {
    return rc >= 0 ? rc : -(int) ERRNO.get(capture, 0L);
  }

  /** {@code rc}, or {@code -errno} read from {@code capture} when {@code rc} is negative. */
  static long result(MemorySegment capture, long rc) {
    return rc >= 0 ? rc : -(int) ERRNO.get(capture, 0L);
  }

  /** Throws when {@code rc} is a negated errno; returns {@code rc} otherwise. */
  static int check(int rc, String syscall, String context) throws NativeIoException {
    if (rc < 0) {
      throw new NativeIoException(syscall, -rc, context);
    }
    return rc;
  }

  static int socket(int domain, int type, int protocol) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) SOCKET.invokeExact(c, domain, type, protocol));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int bind(int fd, MemorySegment addr, int len) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) BIND.invokeExact(c, fd, addr, len));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int connect(int fd, MemorySegment addr, int len) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) CONNECT.invokeExact(c, fd, addr, len));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int getsockname(int fd, MemorySegment addr, MemorySegment lenPtr) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) GETSOCKNAME.invokeExact(c, fd, addr, lenPtr));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) SETSOCKOPT.invokeExact(c, fd, level, name, value, len));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment lenPtr) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) GETSOCKOPT.invokeExact(c, fd, level, name, value, lenPtr));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int close(int fd) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) CLOSE.invokeExact(c, fd));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int recvmmsg(int fd, MemorySegment msgvec, int vlen, int flags) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) RECVMMSG.invokeExact(c, fd, msgvec, vlen, flags, MemorySegment.NULL));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int sendmmsg(int fd, MemorySegment msgvec, int vlen, int flags) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) SENDMMSG.invokeExact(c, fd, msgvec, vlen, flags));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static long read(int fd, MemorySegment buf, long len) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (long) READ.invokeExact(c, fd, buf, len));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static long write(int fd, MemorySegment buf, long len) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (long) WRITE.invokeExact(c, fd, buf, len));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int epollCreate1(int flags) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) EPOLL_CREATE1.invokeExact(c, flags));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int epollCtl(int epfd, int op, int fd, MemorySegment event) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) EPOLL_CTL.invokeExact(c, epfd, op, fd, event));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int epollWait(int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) EPOLL_WAIT.invokeExact(c, epfd, events, maxEvents, timeoutMillis));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int eventfd(int initval, int flags) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) EVENTFD.invokeExact(c, initval, flags));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int setns(int fd, int nstype) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) SETNS.invokeExact(c, fd, nstype));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int schedSetaffinity(int tid, long size, MemorySegment mask) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) SCHED_SETAFFINITY.invokeExact(c, tid, size, mask));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int open(MemorySegment path, int flags, int mode) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) OPEN.invokeExact(c, path, flags, mode));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int ioctl(int fd, long request, MemorySegment arg) {
    MemorySegment c = CAPTURE.get();
    try {
      return result(c, (int) IOCTL.invokeExact(c, fd, request, arg));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Rethrows what a downcall threw: unchecked as is, anything else wrapped. */
  static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException("native call failed", t);
  }
}
