package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** An eventfd used to wake a worker out of epoll from another thread. */
public final class EventFd implements AutoCloseable {
  private final FileDescriptor fd;

  private EventFd(FileDescriptor fd) {
    this.fd = fd;
  }

  public static EventFd create() throws NativeIoException {
    int raw =
        LibC.check(
            LibC.eventfd(0, Linux.EFD_NONBLOCK | Linux.EFD_CLOEXEC), "eventfd", "wake-up eventfd");
    return new EventFd(new FileDescriptor(raw, "eventfd"));
  }

  public FileDescriptor fd() {
    return fd;
  }

  /** Makes the descriptor readable. */
  public void signal() throws NativeIoException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment one = a.allocate(JAVA_LONG);
      one.set(JAVA_LONG, 0, 1);
      long rc = LibC.write(fd.intValue(), one, 8);
      if (rc < 0 && rc != -Linux.EAGAIN) {
        throw new NativeIoException("write", (int) -rc, fd.toString());
      }
    }
  }

  /** Resets the counter so that the descriptor is no longer readable. */
  public void drain() {
    try (Arena a = Arena.ofConfined()) {
      LibC.read(fd.intValue(), a.allocate(JAVA_LONG), 8);
    }
  }

  @Override
  public void close() throws NativeIoException {
    fd.close();
  }
}
