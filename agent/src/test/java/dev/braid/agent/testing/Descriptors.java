package dev.braid.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The process's open sockets, epoll, eventfd and TUN descriptors, for leak checks. */
public final class Descriptors {
  private Descriptors() {}

  /**
   * Sorted "fd -> target" lines; jar files and other descriptors the JDK opens lazily while loading
   * classes are left out.
   */
  public static List<String> networkDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.map(Descriptors::describe)
          .filter(fd -> fd.contains("socket:") || fd.contains("anon_inode:") || fd.contains("tun"))
          .sorted()
          .toList();
    }
  }

  private static String describe(Path fd) {
    try {
      return fd.getFileName() + " -> " + Files.readSymbolicLink(fd);
    } catch (IOException e) {
      return fd.getFileName() + " (gone)";
    }
  }
}
