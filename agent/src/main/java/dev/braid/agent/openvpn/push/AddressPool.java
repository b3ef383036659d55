package dev.braid.agent.openvpn.push;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.BitSet;
import java.util.OptionalInt;

/**
 * IPv4 tunnel addresses for topology subnet: the server takes the first host address of the
 * network, clients get the following ones. Allocation is synchronized, so the session tables of
 * several workers can share one pool (it runs once per handshake, never per packet).
 */
public final class AddressPool {
  private final int network;
  private final int prefix;
  private final int hosts;
  private final BitSet used = new BitSet();

  /**
   * @param cidr e.g. {@code 10.8.0.0/24}
   */
  public AddressPool(String cidr) {
    String[] parts = cidr.split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("pool: expected a.b.c.d/len, got " + cidr);
    }
    this.prefix = Integer.parseInt(parts[1]);
    if (prefix < 8 || prefix > 29) {
      throw new IllegalArgumentException("pool prefix must be /8../29: " + cidr);
    }
    int mask = mask(prefix);
    this.network = toInt(parts[0]) & mask;
    this.hosts = (1 << (32 - prefix)) - 2;
    used.set(1); // the server
  }

  public String serverAddress() {
    return toString(network + 1);
  }

  public String netmask() {
    return toString(mask(prefix));
  }

  public int prefixLength() {
    return prefix;
  }

  /** Allocates a client address, or empty if the pool is exhausted. */
  public synchronized OptionalInt allocate() {
    int host = used.nextClearBit(2);
    if (host > hosts) {
      return OptionalInt.empty();
    }
    used.set(host);
    return OptionalInt.of(network + host);
  }

  public synchronized void release(int address) {
    int host = address - network;
    if (host >= 2 && host <= hosts) {
      used.clear(host);
    }
  }

  public static String toString(int address) {
    return (address >>> 24)
        + "."
        + (address >>> 16 & 0xFF)
        + "."
        + (address >>> 8 & 0xFF)
        + "."
        + (address & 0xFF);
  }

  private static int mask(int prefix) {
    return prefix == 0 ? 0 : -1 << (32 - prefix);
  }

  private static int toInt(String dotted) {
    try {
      InetAddress a = InetAddress.ofLiteral(dotted);
      if (!(a instanceof Inet4Address)) {
        throw new IllegalArgumentException("pool: not IPv4: " + dotted);
      }
      byte[] b = a.getAddress();
      return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("pool: bad address " + dotted, e);
    }
  }
}
