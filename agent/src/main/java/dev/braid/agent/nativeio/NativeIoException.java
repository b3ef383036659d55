package dev.braid.agent.nativeio;

import java.io.IOException;

/** A failed system call: which call, which errno, and on what (address, device, namespace). */
public final class NativeIoException extends IOException {
  private final String syscall;
  private final int errno;

  public NativeIoException(String syscall, int errno, String context) {
    super(syscall + " failed: " + Errno.name(errno) + " (" + errno + ")" + ": " + context);
    this.syscall = syscall;
    this.errno = errno;
  }

  /** The libc function that failed, e.g. {@code bind}. */
  public String syscall() {
    return syscall;
  }

  /** The errno value the call left behind. */
  public int errno() {
    return errno;
  }

  /** The symbolic errno name, e.g. {@code EADDRINUSE}. */
  public String errnoName() {
    return Errno.name(errno);
  }
}
