package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/** Encodes and decodes sockaddr_in / sockaddr_in6, mapping IPv4 into IPv6 for dual-stack use. */
final class SockAddr {
  /** Room for the larger of the two (sockaddr_in6 is 28 bytes), rounded to 8. */
  static final int MAX_SIZE = 32;

  private static final java.lang.foreign.ValueLayout.OfShort PORT =
      JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

  private SockAddr() {}

  /**
   * Writes {@code address} for a socket of {@code family}; IPv4 addresses become IPv4-mapped IPv6
   * on an AF_INET6 socket. Returns the sockaddr length.
   */
  static int encode(InetSocketAddress address, int family, MemorySegment dst, long offset) {
    InetAddress ip = address.getAddress();
    if (ip == null) {
      throw new IllegalArgumentException("unresolved address " + address);
    }
    int port = address.getPort();
    if (family == Linux.AF_INET) {
      if (!(ip instanceof Inet4Address)) {
        throw new IllegalArgumentException("IPv6 address " + ip + " on an IPv4 socket");
      }
      dst.asSlice(offset, Structs.SOCKADDR_IN.byteSize()).fill((byte) 0);
      dst.set(JAVA_SHORT, offset, (short) Linux.AF_INET);
      dst.set(PORT, offset + 2, (short) port);
      MemorySegment.copy(ip.getAddress(), 0, dst, JAVA_BYTE, offset + 4, 4);
      return (int) Structs.SOCKADDR_IN.byteSize();
    }
    dst.asSlice(offset, Structs.SOCKADDR_IN6.byteSize()).fill((byte) 0);
    dst.set(JAVA_SHORT, offset, (short) Linux.AF_INET6);
    dst.set(PORT, offset + 2, (short) port);
    writeIpv6(ip, dst, offset + 8);
    if (ip instanceof Inet6Address v6 && v6.getScopeId() != 0) {
      dst.set(JAVA_INT, offset + 24, v6.getScopeId());
    }
    return (int) Structs.SOCKADDR_IN6.byteSize();
  }

  /** Writes a 16-byte IPv6 address, IPv4-mapped when {@code ip} is IPv4. */
  static void writeIpv6(InetAddress ip, MemorySegment dst, long offset) {
    byte[] raw = ip.getAddress();
    if (raw.length == 4) {
      dst.asSlice(offset, 10).fill((byte) 0);
      dst.set(JAVA_BYTE, offset + 10, (byte) 0xff);
      dst.set(JAVA_BYTE, offset + 11, (byte) 0xff);
      MemorySegment.copy(raw, 0, dst, JAVA_BYTE, offset + 12, 4);
    } else {
      MemorySegment.copy(raw, 0, dst, JAVA_BYTE, offset, 16);
    }
  }

  /** Reads a sockaddr_in or sockaddr_in6; IPv4-mapped IPv6 comes back as an IPv4 address. */
  static InetSocketAddress decode(MemorySegment src, long offset) {
    int family = src.get(JAVA_SHORT, offset);
    int port = Short.toUnsignedInt(src.get(PORT, offset + 2));
    try {
      if (family == Linux.AF_INET) {
        return new InetSocketAddress(InetAddress.getByAddress(bytes(src, offset + 4, 4)), port);
      }
      if (family == Linux.AF_INET6) {
        return new InetSocketAddress(ipv6(src, offset + 8, src.get(JAVA_INT, offset + 24)), port);
      }
    } catch (UnknownHostException e) {
      throw new IllegalStateException("impossible address length", e);
    }
    throw new IllegalArgumentException("unexpected address family " + family);
  }

  /** A 16-byte address; IPv4-mapped ones become {@link Inet4Address}. */
  static InetAddress ipv6(MemorySegment src, long offset, int scopeId) throws UnknownHostException {
    byte[] raw = bytes(src, offset, 16);
    InetAddress ip = InetAddress.getByAddress(raw);
    if (ip instanceof Inet6Address && scopeId != 0) {
      return Inet6Address.getByAddress(null, raw, scopeId);
    }
    return ip;
  }

  static byte[] bytes(MemorySegment src, long offset, int length) {
    byte[] out = new byte[length];
    MemorySegment.copy(src, JAVA_BYTE, offset, out, 0, length);
    return out;
  }
}
