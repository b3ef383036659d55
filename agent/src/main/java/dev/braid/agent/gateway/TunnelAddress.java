package dev.braid.agent.gateway;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * A tunnel address as a map key: IPv6 as its two halves, IPv4 as the IPv4-mapped IPv6 address, so
 * one map serves both families.
 */
record TunnelAddress(long high, long low) {
  private static final long MAPPED = 0xFFFF_0000_0000L;

  static TunnelAddress of(InetAddress address) {
    ByteBuffer b = ByteBuffer.wrap(address.getAddress());
    if (address instanceof Inet4Address) {
      return new TunnelAddress(0, MAPPED | (b.getInt() & 0xFFFF_FFFFL));
    }
    return new TunnelAddress(b.getLong(), b.getLong());
  }

  /** The destination of an IP packet (position 0), or null if it is neither IPv4 nor IPv6. */
  static TunnelAddress destinationOf(ByteBuffer packet) {
    int n = packet.limit();
    if (n < 1) {
      return null;
    }
    int version = (packet.get(0) & 0xFF) >>> 4;
    if (version == 4 && n >= 20) {
      return new TunnelAddress(0, MAPPED | (packet.getInt(16) & 0xFFFF_FFFFL));
    }
    if (version == 6 && n >= 40) {
      return new TunnelAddress(packet.getLong(24), packet.getLong(32));
    }
    return null;
  }
}
