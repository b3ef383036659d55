package dev.braid.agent.nativeio;

/** Symbolic names for the errno values a network data plane meets, for error messages. */
final class Errno {
  private static final String[] NAMES = new String[134];

  static {
    String[][] known = {
      {"1", "EPERM"},
      {"2", "ENOENT"},
      {"3", "ESRCH"},
      {"4", "EINTR"},
      {"5", "EIO"},
      {"6", "ENXIO"},
      {"9", "EBADF"},
      {"11", "EAGAIN"},
      {"12", "ENOMEM"},
      {"13", "EACCES"},
      {"14", "EFAULT"},
      {"16", "EBUSY"},
      {"17", "EEXIST"},
      {"19", "ENODEV"},
      {"22", "EINVAL"},
      {"23", "ENFILE"},
      {"24", "EMFILE"},
      {"25", "ENOTTY"},
      {"28", "ENOSPC"},
      {"32", "EPIPE"},
      {"38", "ENOSYS"},
      {"88", "ENOTSOCK"},
      {"90", "EMSGSIZE"},
      {"92", "ENOPROTOOPT"},
      {"93", "EPROTONOSUPPORT"},
      {"95", "EOPNOTSUPP"},
      {"97", "EAFNOSUPPORT"},
      {"98", "EADDRINUSE"},
      {"99", "EADDRNOTAVAIL"},
      {"100", "ENETDOWN"},
      {"101", "ENETUNREACH"},
      {"103", "ECONNABORTED"},
      {"104", "ECONNRESET"},
      {"105", "ENOBUFS"},
      {"106", "EISCONN"},
      {"107", "ENOTCONN"},
      {"110", "ETIMEDOUT"},
      {"111", "ECONNREFUSED"},
      {"113", "EHOSTUNREACH"},
      {"115", "EINPROGRESS"}
    };
    for (String[] entry : known) {
      NAMES[Integer.parseInt(entry[0])] = entry[1];
    }
  }

  private Errno() {}

  /** The symbolic name, e.g. {@code EADDRINUSE}, or {@code errno 42} when not in the table. */
  static String name(int errno) {
    if (errno >= 0 && errno < NAMES.length && NAMES[errno] != null) {
      return NAMES[errno];
    }
    return "errno " + errno;
  }
}
