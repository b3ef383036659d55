package dev.braid.agent.nativeio;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file descriptor with exactly one owner. {@link #close()} closes the descriptor once, however
 * many times and from whichever thread it is called; using it afterwards throws instead of touching
 * a number the kernel may have handed to someone else.
 */
public final class FileDescriptor implements AutoCloseable {
  private final int fd;
  private final String description;
  private final AtomicBoolean closed = new AtomicBoolean();

  FileDescriptor(int fd, String description) {
    if (fd < 0) {
      throw new IllegalArgumentException("negative fd " + fd + " for " + description);
    }
    this.fd = fd;
    this.description = description;
  }

  /** The raw number, for a system call; throws if the descriptor is closed. */
  int intValue() {
    if (closed.get()) {
      throw new IllegalStateException(description + " (fd " + fd + ") is closed");
    }
    return fd;
  }

  public boolean isOpen() {
    return !closed.get();
  }

  /** Closes the descriptor; only the first call has any effect. */
  @Override
  public void close() throws NativeIoException {
    if (closed.compareAndSet(false, true)) {
      LibC.check(LibC.close(fd), "close", description);
    }
  }

  @Override
  public String toString() {
    return description + " (fd " + fd + (closed.get() ? ", closed)" : ")");
  }
}
