package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * Probes, in the calling thread's network namespace, which kernel features the data plane can use
 * and, for each one that it cannot, why not.
 */
public final class KernelProbe {
  /** Kernel features the data plane uses or may use. */
  public enum Feature {
    SO_REUSEPORT,
    REUSEPORT_CBPF,
    TUN_MULTI_QUEUE,
    IP_PKTINFO,
    IPV6_PKTINFO,
    MPTCP,
    UDP_SEGMENT
  }

  /** Whether one feature is available, and the reason when it is not. */
  public record Finding(Feature feature, boolean available, String reason) {}

  private static final int IFF_MULTI_QUEUE = 0x0100;

  private KernelProbe() {}

  /** Probes every feature; never throws. */
  public static Map<Feature, Finding> probe() {
    Map<Feature, Finding> result = new EnumMap<>(Feature.class);
    for (Feature feature : Feature.values()) {
      String reason;
      try {
        reason = probe(feature);
      } catch (IOException | RuntimeException e) {
        reason = e.getMessage();
      }
      result.put(feature, new Finding(feature, reason == null, reason));
    }
    return result;
  }

  /** Returns null when {@code feature} works, otherwise why it does not. */
  private static String probe(Feature feature) throws IOException {
    return switch (feature) {
      case SO_REUSEPORT -> socketOption(Linux.AF_INET, Linux.SOL_SOCKET, Linux.SO_REUSEPORT);
      case IP_PKTINFO -> socketOption(Linux.AF_INET, Linux.IPPROTO_IP, Linux.IP_PKTINFO);
      case IPV6_PKTINFO -> socketOption(Linux.AF_INET6, Linux.IPPROTO_IPV6, Linux.IPV6_RECVPKTINFO);
      case REUSEPORT_CBPF -> reuseportCbpf();
      case TUN_MULTI_QUEUE -> tunMultiQueue();
      case MPTCP -> mptcp();
      case UDP_SEGMENT -> socketOption(Linux.AF_INET, Linux.IPPROTO_UDP, Linux.UDP_SEGMENT);
    };
  }

  private static String socketOption(int family, int level, int option) throws NativeIoException {
    int raw = LibC.socket(family, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0);
    if (raw < 0) {
      return new NativeIoException("socket", -raw, "family " + family).getMessage();
    }
    try (FileDescriptor fd = new FileDescriptor(raw, "probe socket")) {
      int rc = UdpSocket.setIntRaw(fd.intValue(), level, option, 1);
      return rc < 0
          ? new NativeIoException("setsockopt", -rc, "option " + option).getMessage()
          : null;
    }
  }

  private static String reuseportCbpf() throws NativeIoException {
    try (UdpSocket socket =
        UdpSocket.bind(
            new InetSocketAddress(UdpSocket.wildcard(false), 0), UdpSocket.Options.defaults())) {
      socket.attachReuseportProgram(ReuseportSteering.forOpenVpn(1));
      return null;
    } catch (NativeIoException e) {
      return e.getMessage();
    }
  }

  private static String tunMultiQueue() throws NativeIoException {
    try (Arena arena = Arena.ofConfined()) {
      int raw = LibC.open(arena.allocateFrom("/dev/net/tun"), Linux.O_RDWR | Linux.O_CLOEXEC, 0);
      if (raw < 0) {
        return new NativeIoException("open", -raw, "/dev/net/tun").getMessage();
      }
      try (FileDescriptor fd = new FileDescriptor(raw, "/dev/net/tun")) {
        MemorySegment features = arena.allocate(JAVA_INT);
        int rc = LibC.ioctl(fd.intValue(), Linux.TUNGETFEATURES, features);
        if (rc < 0) {
          return new NativeIoException("ioctl(TUNGETFEATURES)", -rc, "/dev/net/tun").getMessage();
        }
        return (features.get(JAVA_INT, 0) & IFF_MULTI_QUEUE) != 0
            ? null
            : "the TUN driver does not offer IFF_MULTI_QUEUE";
      }
    }
  }

  private static String mptcp() throws IOException {
    Path sysctl = Path.of("/proc/sys/net/mptcp/enabled");
    if (!Files.exists(sysctl)) {
      return "kernel built without MPTCP (" + sysctl + " is missing)";
    }
    if (!Files.readString(sysctl).trim().equals("1")) {
      return "net.mptcp.enabled is 0";
    }
    int raw =
        LibC.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, Linux.IPPROTO_MPTCP);
    if (raw < 0) {
      return new NativeIoException("socket(IPPROTO_MPTCP)", -raw, "MPTCP").getMessage();
    }
    new FileDescriptor(raw, "MPTCP probe").close();
    return null;
  }
}
