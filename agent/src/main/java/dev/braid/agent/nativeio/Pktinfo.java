package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Builds the IP_PKTINFO / IPV6_PKTINFO control message that picks a datagram's source. */
final class Pktinfo {
  private Pktinfo() {}

  /**
   * Writes one control message at {@code offset} selecting {@code local} (and {@code ifindex} if
   * not 0) as the source for a datagram to {@code remote}; returns its CMSG_SPACE.
   */
  static long write(
      MemorySegment dst, long offset, InetAddress local, int ifindex, InetSocketAddress remote) {
    boolean ipv4 = remote.getAddress() instanceof Inet4Address;
    if (ipv4 != (local instanceof Inet4Address)) {
      throw new IllegalArgumentException(
          "source " + local + " and destination " + remote + " are of different families");
    }
    long data = offset + Structs.CMSG_DATA;
    if (ipv4) {
      long len = Structs.IN_PKTINFO.byteSize();
      dst.set(JAVA_LONG, offset + Structs.CMSG_LEN, Structs.cmsgLen(len));
      dst.set(JAVA_INT, offset + Structs.CMSG_LEVEL, Linux.IPPROTO_IP);
      dst.set(JAVA_INT, offset + Structs.CMSG_TYPE, Linux.IP_PKTINFO);
      dst.set(JAVA_INT, data, ifindex);
      MemorySegment.copy(local.getAddress(), 0, dst, JAVA_BYTE, data + 4, 4);
      dst.set(JAVA_INT, data + 8, 0);
      return Structs.cmsgSpace(len);
    }
    long len = Structs.IN6_PKTINFO.byteSize();
    dst.set(JAVA_LONG, offset + Structs.CMSG_LEN, Structs.cmsgLen(len));
    dst.set(JAVA_INT, offset + Structs.CMSG_LEVEL, Linux.IPPROTO_IPV6);
    dst.set(JAVA_INT, offset + Structs.CMSG_TYPE, Linux.IPV6_PKTINFO);
    SockAddr.writeIpv6(local, dst, data);
    dst.set(JAVA_INT, data + 16, ifindex);
    return Structs.cmsgSpace(len);
  }
}
