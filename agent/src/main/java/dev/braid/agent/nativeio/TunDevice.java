package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A multiqueue TUN device (IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE): one {@link TunQueue} per worker.
 * The device exists while any queue is open; it is created in the network namespace of the calling
 * thread.
 */
public final class TunDevice implements AutoCloseable {
  private static final int IFNAMSIZ = 16;

  private final String name;
  private final List<TunQueue> queues;

  private TunDevice(String name, List<TunQueue> queues) {
    this.name = name;
    this.queues = List.copyOf(queues);
  }

  /**
   * Creates or attaches to device {@code name} with {@code queueCount} queues; each queue reads
   * {@code batch} packets of up to {@code packetSize} bytes at a time.
   */
  public static TunDevice open(String name, int queueCount, int batch, int packetSize)
      throws NativeIoException {
    return open(name, queueCount, batch, packetSize, false);
  }

  /**
   * Like {@link #open(String, int, int, int)}; with {@code vnetHeader} the queues are opened with
   * IFF_VNET_HDR, so that {@link TunQueue#writeFrame} can hand the kernel TCP super-packets to
   * segment (GSO). Offloads for reads are switched off (TUNSETOFFLOAD 0, also on a device that
   * existed with other settings): the device then announces no checksum or segmentation offload, so
   * the kernel hands out single, checksummed packets, never super-packets, and {@link TunQueue}
   * skips their header (gso_type NONE).
   */
  public static TunDevice open(
      String name, int queueCount, int batch, int packetSize, boolean vnetHeader)
      throws NativeIoException {
    return open(name, queueCount, batch, packetSize, vnetHeader, false);
  }

  /**
   * Like {@link #open(String, int, int, int, boolean)}; with {@code segmentedReads} (needs {@code
   * vnetHeader}) the device announces checksum and TCP segmentation offload (TUNSETOFFLOAD
   * TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6): the kernel then hands out TCP super-packets of up to 64
   * KiB and packets with the checksum left to do, each described by its virtio_net_hdr ({@link
   * TunQueue#vnetHeader}); the reader must segment them and complete the checksums.
   */
  public static TunDevice open(
      String name,
      int queueCount,
      int batch,
      int packetSize,
      boolean vnetHeader,
      boolean segmentedReads)
      throws NativeIoException {
    if (segmentedReads && !vnetHeader) {
      throw new IllegalArgumentException("segmented reads need the virtio_net_hdr");
    }
    byte[] rawName = name.getBytes(StandardCharsets.US_ASCII);
    if (rawName.length >= IFNAMSIZ) {
      throw new IllegalArgumentException("interface name longer than 15 bytes: " + name);
    }
    List<TunQueue> queues = new ArrayList<>();
    String actual = name;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment path = arena.allocateFrom("/dev/net/tun");
      MemorySegment ifr = arena.allocate(Structs.IFREQ);
      for (int q = 0; q < queueCount; q++) {
        String what = "TUN " + name + " queue " + q;
        int raw =
            LibC.check(
                LibC.open(path, Linux.O_RDWR | Linux.O_NONBLOCK | Linux.O_CLOEXEC, 0),
                "open(/dev/net/tun)",
                what);
        FileDescriptor fd = new FileDescriptor(raw, what);
        ifr.fill((byte) 0);
        MemorySegment.copy(rawName, 0, ifr, JAVA_BYTE, 0, rawName.length);
        ifr.set(
            JAVA_SHORT,
            Structs.offset(Structs.IFREQ, "ifr_flags"),
            (short)
                (Linux.IFF_TUN
                    | Linux.IFF_NO_PI
                    | Linux.IFF_MULTI_QUEUE
                    | (vnetHeader ? Linux.IFF_VNET_HDR : 0)));
        ioctlOrClose(fd, Linux.TUNSETIFF, ifr, "ioctl(TUNSETIFF)");
        actual = ifr.getString(0);
        if (vnetHeader && q == 0) {
          // The offload flags are the ioctl's value itself, not a pointer: 0 = none.
          long offload =
              segmentedReads ? Linux.TUN_F_CSUM | Linux.TUN_F_TSO4 | Linux.TUN_F_TSO6 : 0;
          ioctlOrClose(
              fd,
              Linux.TUNSETOFFLOAD,
              MemorySegment.ofAddress(offload),
              "ioctl(TUNSETOFFLOAD, 0x" + Long.toHexString(offload) + ")");
        }
        queues.add(
            new TunQueue(
                fd,
                q,
                batch,
                packetSize,
                vnetHeader,
                segmentedReads ? MAX_FRAME_READ : packetSize));
      }
    } catch (NativeIoException | RuntimeException e) {
      for (TunQueue queue : queues) {
        try {
          queue.close();
        } catch (NativeIoException closeFailure) {
          e.addSuppressed(closeFailure);
        }
      }
      throw e;
    }
    return new TunDevice(actual, queues);
  }

  /** Largest packet a read of a queue with segmented reads returns: a 64 KiB super-packet. */
  private static final int MAX_FRAME_READ = 65535;

  /** ioctl on a queue not yet handed to a {@link TunQueue}: closes it when the call fails. */
  private static void ioctlOrClose(
      FileDescriptor fd, long request, MemorySegment arg, String syscall) throws NativeIoException {
    int rc = LibC.ioctl(fd.intValue(), request, arg);
    if (rc < 0) {
      NativeIoException e = new NativeIoException(syscall, -rc, fd.toString());
      UdpSocket.closeQuietly(fd, e);
      throw e;
    }
  }

  /** The interface name the kernel assigned. */
  public String name() {
    return name;
  }

  public List<TunQueue> queues() {
    return queues;
  }

  /** Closes every queue; the device disappears with the last one. */
  @Override
  public void close() throws NativeIoException {
    NativeIoException first = null;
    for (TunQueue queue : queues) {
      try {
        queue.close();
      } catch (NativeIoException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
