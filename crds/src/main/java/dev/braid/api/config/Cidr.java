package dev.braid.api.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IP network in CIDR notation. Parsing accepts only literal addresses, never host names, so it
 * never touches DNS.
 *
 * @param network the network address
 * @param prefixLength bits in the prefix
 */
public record Cidr(InetAddress network, int prefixLength) {
  private static final Pattern IPV4 = Pattern.compile("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]+$");

  /**
   * Parses {@code a.b.c.d/n} or {@code x::/n}.
   *
   * @throws IllegalArgumentException naming what is wrong; host bits set count as wrong
   */
  public static Cidr parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("'" + text + "' is not a CIDR such as 10.8.0.0/24");
    }
    InetAddress address = parseAddress(text.substring(0, slash));
    int bits = address.getAddress().length * 8;
    int prefix;
    try {
      prefix = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has no numeric prefix length");
    }
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.." + bits);
    }
    Cidr cidr = new Cidr(address, prefix);
    if (!cidr.masked().equals(address)) {
      throw new IllegalArgumentException(
          "'" + text + "' has host bits set; the network is " + cidr.masked().getHostAddress());
    }
    return cidr;
  }

  /**
   * Parses a literal IPv4 or IPv6 address.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static InetAddress parseAddress(String text) {
    if (text == null || !(IPV4.matcher(text).matches() || text.contains(":"))) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address");
    }
    if (text.contains(":") && !IPV6.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address");
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address", e);
    }
  }

  /** True for an IPv4 network. */
  public boolean isIpv4() {
    return network.getAddress().length == 4;
  }

  /** True when the two networks share at least one address. */
  public boolean overlaps(Cidr other) {
    if (isIpv4() != other.isIpv4()) {
      return false;
    }
    int shorter = Math.min(prefixLength, other.prefixLength);
    return masked(network, shorter).equals(masked(other.network, shorter));
  }

  /** True when the address lies inside this network. */
  public boolean contains(InetAddress address) {
    return address.getAddress().length == network.getAddress().length
        && masked(address, prefixLength).equals(network);
  }

  /**
   * True when a client may hold the address as its tunnel address: inside the network and neither
   * the network address, the gateway's (the first host) nor, for IPv4, the broadcast address.
   */
  public boolean isClientAddress(InetAddress address) {
    if (!contains(address) || address.equals(address(0)) || address.equals(address(1))) {
      return false;
    }
    int hostBits = network.getAddress().length * 8 - prefixLength;
    return !isIpv4() || !address.equals(address((1L << hostBits) - 1));
  }

  /** The {@code n}-th address of the network (0 is the network address). */
  public InetAddress address(long n) {
    byte[] raw = network.getAddress();
    BigInteger value = new BigInteger(1, raw).add(BigInteger.valueOf(n));
    byte[] out = new byte[raw.length];
    byte[] sum = value.toByteArray();
    int copy = Math.min(sum.length, out.length);
    System.arraycopy(sum, sum.length - copy, out, out.length - copy, copy);
    try {
      return InetAddress.getByAddress(out);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("address of valid length rejected", e);
    }
  }

  private InetAddress masked() {
    return masked(network, prefixLength);
  }

  private static InetAddress masked(InetAddress address, int prefix) {
    byte[] raw = address.getAddress();
    for (int i = 0; i < raw.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      raw[i] &= (byte) (0xff << (8 - keep));
    }
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("address of valid length rejected", e);
    }
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefixLength;
  }
}
