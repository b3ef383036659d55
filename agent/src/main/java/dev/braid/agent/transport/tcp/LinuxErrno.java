package dev.braid.agent.transport.tcp;

/** The errno values (x86_64 Linux) that end or pause a TCP connection. */
public final class LinuxErrno {
  public static final int EAGAIN = 11;
  public static final int EPIPE = 32;
  public static final int ENETUNREACH = 101;
  public static final int ECONNABORTED = 103;
  public static final int ECONNRESET = 104;
  public static final int ETIMEDOUT = 110;
  public static final int EHOSTUNREACH = 113;

  private LinuxErrno() {}

  /** The symbolic name, or {@code errno N} for values outside this table. */
  public static String name(int errno) {
    return switch (errno) {
      case EAGAIN -> "EAGAIN";
      case EPIPE -> "EPIPE";
      case ENETUNREACH -> "ENETUNREACH";
      case ECONNABORTED -> "ECONNABORTED";
      case ECONNRESET -> "ECONNRESET";
      case ETIMEDOUT -> "ETIMEDOUT";
      case EHOSTUNREACH -> "EHOSTUNREACH";
      default -> "errno " + errno;
    };
  }
}
