package dev.braid.agent.openvpn.push;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Tunnel addresses for topology subnet: the server takes the first host address of each network,
 * clients get the following ones. With an IPv6 network too, a client's IPv6 address has the same
 * host number as its IPv4 one (as OpenVPN's ifconfig-ipv6-pool does), so one allocation covers both
 * families and the pool holds as many clients as the smaller network. Addresses fixed for a
 * certificate common name are never handed to anyone else. Allocation is synchronized, so the
 * session tables of several workers can share one pool (it runs once per handshake, never per
 * packet).
 */
public final class AddressPool {
  /**
   * A client's tunnel addresses.
   *
   * @param ipv4 the IPv4 address as an int
   * @param ipv6 the IPv6 address in text form, or null without an IPv6 network
   * @param commonName the client it was leased to, or null
   */
  public record Lease(int ipv4, String ipv6, String commonName) {
    public String ipv4Text() {
      return AddressPool.toString(ipv4);
    }
  }

  private final int network;
  private final int prefix;
  private final int hosts;
  private final BigInteger network6;
  private final int prefix6;
  private final BitSet used = new BitSet();
  private final Map<Integer, Lease> holders = new HashMap<>();
  private final BitSet reserved = new BitSet();
  private final Map<String, Integer> fixedHosts = new HashMap<>();

  /**
   * @param cidr e.g. {@code 10.8.0.0/24}
   */
  public AddressPool(String cidr) {
    this(cidr, null, Map.of());
  }

  /**
   * @param ipv4 e.g. {@code 10.8.0.0/24}
   * @param ipv6 e.g. {@code fd00:8::/64}, or null for IPv4 only
   * @param fixed IPv4 address by certificate common name; each must be a client address of the pool
   */
  public AddressPool(String ipv4, String ipv6, Map<String, String> fixed) {
    String[] parts = split(ipv4);
    this.prefix = Integer.parseInt(parts[1]);
    if (prefix < 8 || prefix > 29) {
      throw new IllegalArgumentException("pool prefix must be /8../29: " + ipv4);
    }
    this.network = toInt(parts[0]) & mask(prefix);
    int hosts4 = (1 << (32 - prefix)) - 2;
    if (ipv6 == null) {
      this.network6 = null;
      this.prefix6 = 0;
      this.hosts = hosts4;
    } else {
      String[] p6 = split(ipv6);
      this.prefix6 = Integer.parseInt(p6[1]);
      if (prefix6 < 64 || prefix6 > 124) {
        throw new IllegalArgumentException("IPv6 pool prefix must be /64../124: " + ipv6);
      }
      BigInteger host6Mask = BigInteger.ONE.shiftLeft(128 - prefix6).subtract(BigInteger.ONE);
      this.network6 = new BigInteger(1, toBytes6(p6[0])).andNot(host6Mask);
      long hosts6 = (1L << Math.min(62, 128 - prefix6)) - 1; // no broadcast in IPv6
      this.hosts = (int) Math.min(hosts4, hosts6);
    }
    used.set(1); // the server
    fix(fixed);
  }

  /**
   * Replaces the fixed addresses (a config reload): from now on each goes only to its common name.
   * Sessions keep what they hold; a newly fixed address still held by another client goes to its
   * name once released. All or nothing: a bad entry changes nothing.
   *
   * @throws IllegalArgumentException naming the entry that is not a client address of the pool or
   *     repeats another's address
   */
  public synchronized void fix(Map<String, String> fixed) {
    BitSet nextReserved = new BitSet();
    Map<String, Integer> nextHosts = new HashMap<>();
    fixed.forEach(
        (cn, address) -> {
          int host = toInt(address) - network;
          if (host < 2 || host > hosts) {
            throw new IllegalArgumentException(
                "fixed address " + address + " of " + cn + " is not a client address of the pool");
          }
          if (nextReserved.get(host)) {
            throw new IllegalArgumentException("fixed address " + address + " is given twice");
          }
          nextReserved.set(host);
          nextHosts.put(cn, host);
        });
    reserved.clear();
    reserved.or(nextReserved);
    fixedHosts.clear();
    fixedHosts.putAll(nextHosts);
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

  /** Whether clients get IPv6 addresses too. */
  public boolean hasIpv6() {
    return network6 != null;
  }

  /** The server's IPv6 tunnel address, or null without an IPv6 network. */
  public String serverAddress6() {
    return network6 == null ? null : host6(1);
  }

  public int prefixLength6() {
    return prefix6;
  }

  /** Allocates a client IPv4 address (no fixed one), or empty if the pool is exhausted. */
  public synchronized OptionalInt allocate() {
    int host = freeHost();
    if (host < 0) {
      return OptionalInt.empty();
    }
    used.set(host);
    return OptionalInt.of(network + host);
  }

  /**
   * Allocates the addresses of a client: its fixed ones if {@code commonName} has them, otherwise
   * the next free ones; null if the pool is exhausted. A fixed address still held by an earlier
   * session of the same name (a client that restarted without saying goodbye) passes to the new
   * one, as OpenVPN hands a reconnecting common name its address; releasing the old lease then
   * leaves it with the new holder.
   */
  public synchronized Lease lease(String commonName) {
    Integer fixed = commonName == null ? null : fixedHosts.get(commonName);
    int host;
    if (fixed != null && (!used.get(fixed) || commonName.equals(holders.get(fixed).commonName()))) {
      host = fixed;
    } else {
      host = freeHost();
    }
    if (host < 0) {
      return null;
    }
    used.set(host);
    Lease lease = new Lease(network + host, network6 == null ? null : host6(host), commonName);
    holders.put(host, lease);
    return lease;
  }

  public synchronized void release(int address) {
    int host = address - network;
    if (host >= 2 && host <= hosts) {
      used.clear(host);
      holders.remove(host);
    }
  }

  /** Frees the lease's addresses unless they have passed to a newer lease. */
  public synchronized void release(Lease lease) {
    int host = lease.ipv4() - network;
    if (holders.get(host) == lease) { // identity: an equal lease may be a newer holder
      release(lease.ipv4());
    }
  }

  private int freeHost() {
    int host = 2;
    while (true) {
      host = used.nextClearBit(host);
      if (host > hosts) {
        return -1;
      }
      if (!reserved.get(host)) {
        return host;
      }
      host++;
    }
  }

  private String host6(int host) {
    byte[] raw = network6.add(BigInteger.valueOf(host)).toByteArray();
    byte[] b = new byte[16];
    int n = Math.min(16, raw.length);
    System.arraycopy(raw, raw.length - n, b, 16 - n, n);
    return toString6(b);
  }

  /** RFC 5952 text: lower-case hex, the first longest run of two or more zero groups as "::". */
  static String toString6(byte[] address) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (address[2 * i] & 0xFF) << 8 | address[2 * i + 1] & 0xFF;
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
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

  private static String[] split(String cidr) {
    String[] parts = cidr.split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("pool: expected address/len, got " + cidr);
    }
    return parts;
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

  private static byte[] toBytes6(String literal) {
    try {
      InetAddress a = InetAddress.ofLiteral(literal);
      if (!(a instanceof Inet6Address)) {
        throw new IllegalArgumentException("IPv6 pool: not IPv6: " + literal);
      }
      return a.getAddress();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("IPv6 pool: bad address " + literal, e);
    }
  }
}
