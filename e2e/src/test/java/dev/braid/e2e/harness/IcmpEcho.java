package dev.braid.e2e.harness;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/** IPv4 ICMP echo packets built and read by hand, to ping through a tunnel without a TUN device. */
public final class IcmpEcho {
  private IcmpEcho() {}

  /** An echo request from {@code source} to {@code destination} with {@code id} and {@code seq}. */
  public static byte[] request(String source, String destination, int id, int seq)
      throws Exception {
    byte[] payload =
        "braid-client-interop-ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    ByteBuffer icmp = ByteBuffer.allocate(8 + payload.length);
    icmp.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq);
    icmp.put(payload);
    icmp.putShort(2, checksum(icmp.array(), 0, icmp.capacity()));
    ByteBuffer ip = ByteBuffer.allocate(20 + icmp.capacity());
    ip.put((byte) 0x45).put((byte) 0).putShort((short) ip.capacity());
    ip.putShort((short) seq).putShort((short) 0x4000); // id, don't fragment
    ip.put((byte) 64).put((byte) 1).putShort((short) 0); // TTL, ICMP, checksum
    ip.put(v4(source)).put(v4(destination));
    ip.putShort(10, checksum(ip.array(), 0, 20));
    ip.put(icmp.array());
    return ip.array();
  }

  /** True if {@code packet} is an IPv4 echo reply from {@code from} with this id and sequence. */
  public static boolean isReply(byte[] packet, String from, int id, int seq) throws Exception {
    if (packet.length < 28 || (packet[0] & 0xF0) != 0x40 || packet[9] != 1) {
      return false;
    }
    int ihl = (packet[0] & 0x0F) * 4;
    ByteBuffer b = ByteBuffer.wrap(packet);
    byte[] src = new byte[4];
    b.position(12);
    b.get(src);
    return InetAddress.getByAddress(src).equals(InetAddress.getByName(from))
        && packet[ihl] == 0
        && (b.getShort(ihl + 4) & 0xFFFF) == id
        && (b.getShort(ihl + 6) & 0xFFFF) == seq;
  }

  private static byte[] v4(String address) throws Exception {
    InetAddress a = InetAddress.getByName(address);
    if (!(a instanceof Inet4Address)) {
      throw new IllegalArgumentException("not IPv4: " + address);
    }
    return a.getAddress();
  }

  private static short checksum(byte[] b, int off, int len) {
    long sum = 0;
    for (int i = 0; i < len - 1; i += 2) {
      sum += (b[off + i] & 0xFF) << 8 | b[off + i + 1] & 0xFF;
    }
    if ((len & 1) == 1) {
      sum += (b[off + len - 1] & 0xFF) << 8;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >> 16);
    }
    return (short) ~sum;
  }
}
