package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** An epoll instance owned by one thread, level-triggered, reporting a caller-chosen tag. */
public final class Epoll implements AutoCloseable {
  /** EPOLLIN. */
  public static final int READABLE = 0x1;

  /** EPOLLOUT. */
  public static final int WRITABLE = 0x4;

  private static final long EVENT = Structs.EPOLL_EVENT.byteSize();

  private final FileDescriptor fd;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment events;
  private final int maxEvents;
  private int ready;

  private Epoll(FileDescriptor fd, int maxEvents) {
    this.fd = fd;
    this.maxEvents = maxEvents;
    this.events = arena.allocate(EVENT * maxEvents, 8);
  }

  public static Epoll create(int maxEvents) throws NativeIoException {
    int raw = LibC.check(LibC.epollCreate1(Linux.EPOLL_CLOEXEC), "epoll_create1", "epoll");
    return new Epoll(new FileDescriptor(raw, "epoll"), maxEvents);
  }

  /** Watches {@code target} for {@code interest}; {@code tag} comes back with its events. */
  public void add(FileDescriptor target, int interest, long tag) throws NativeIoException {
    control(Linux.EPOLL_CTL_ADD, "epoll_ctl(ADD)", target, interest, tag);
  }

  /** Changes what {@code target}, already watched, is watched for. */
  public void modify(FileDescriptor target, int interest, long tag) throws NativeIoException {
    control(Linux.EPOLL_CTL_MOD, "epoll_ctl(MOD)", target, interest, tag);
  }

  private void control(int op, String what, FileDescriptor target, int interest, long tag)
      throws NativeIoException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment event = a.allocate(Structs.EPOLL_EVENT);
      event.set(JAVA_INT_UNALIGNED, 0, interest);
      event.set(JAVA_LONG_UNALIGNED, 4, tag);
      LibC.check(
          LibC.epollCtl(fd.intValue(), op, target.intValue(), event), what, target.toString());
    }
  }

  /** Waits up to {@code timeoutMillis} (-1: forever); returns how many descriptors are ready. */
  public int await(int timeoutMillis) throws NativeIoException {
    while (true) {
      int rc = LibC.epollWait(fd.intValue(), events, maxEvents, timeoutMillis);
      if (rc >= 0) {
        ready = rc;
        return rc;
      }
      if (rc != -Linux.EINTR) {
        throw new NativeIoException("epoll_wait", -rc, fd.toString());
      }
    }
  }

  /** The tag of ready descriptor {@code i}. */
  public long tag(int i) {
    if (i < 0 || i >= ready) {
      throw new IndexOutOfBoundsException(i);
    }
    return events.get(JAVA_LONG_UNALIGNED, EVENT * i + 4);
  }

  /** The events of ready descriptor {@code i}. */
  public int events(int i) {
    if (i < 0 || i >= ready) {
      throw new IndexOutOfBoundsException(i);
    }
    return events.get(JAVA_INT_UNALIGNED, EVENT * i);
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
}
