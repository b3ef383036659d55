package dev.braid.agent.nativeio;

import java.lang.foreign.Arena;
import java.util.concurrent.Callable;

/**
 * Moves the calling thread into a named network namespace ({@code /var/run/netns/NAME}, as {@code
 * ip netns add} creates) and back. Sockets and TUN devices belong to the namespace of the thread
 * that creates them and stay there after the thread leaves, so the agent's standalone mode and the
 * tests create their descriptors inside a {@link #enter} scope and use them from any thread.
 */
public final class NetworkNamespace implements AutoCloseable {
  private final String name;
  private final FileDescriptor original;
  private final Thread owner;

  private NetworkNamespace(String name, FileDescriptor original, Thread owner) {
    this.name = name;
    this.original = original;
    this.owner = owner;
  }

  /** Enters namespace {@code name} on this (platform) thread until the scope is closed. */
  public static NetworkNamespace enter(String name) throws NativeIoException {
    if (Thread.currentThread().isVirtual()) {
      throw new IllegalStateException("a virtual thread cannot hold a network namespace");
    }
    FileDescriptor original = openReadOnly("/proc/thread-self/ns/net");
    try (FileDescriptor target = openReadOnly("/var/run/netns/" + name)) {
      LibC.check(
          LibC.setns(target.intValue(), Linux.CLONE_NEWNET), "setns", "network namespace " + name);
    } catch (NativeIoException | RuntimeException e) {
      UdpSocket.closeQuietly(original, e);
      throw e;
    }
    return new NetworkNamespace(name, original, Thread.currentThread());
  }

  /** Runs {@code action} inside namespace {@code name} on the calling thread. */
  public static <T> T call(String name, Callable<T> action) throws Exception {
    try (NetworkNamespace ignored = enter(name)) {
      return action.call();
    }
  }

  private static FileDescriptor openReadOnly(String path) throws NativeIoException {
    try (Arena arena = Arena.ofConfined()) {
      int raw =
          LibC.check(
              LibC.open(arena.allocateFrom(path), Linux.O_RDONLY | Linux.O_CLOEXEC, 0),
              "open",
              path);
      return new FileDescriptor(raw, path);
    }
  }

  public String name() {
    return name;
  }

  /** Returns the thread to the namespace it was in before {@link #enter}. */
  @Override
  public void close() throws NativeIoException {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException("namespace scope closed by another thread than its owner");
    }
    try {
      LibC.check(
          LibC.setns(original.intValue(), Linux.CLONE_NEWNET),
          "setns",
          "leaving namespace " + name);
    } finally {
      original.close();
    }
  }
}
