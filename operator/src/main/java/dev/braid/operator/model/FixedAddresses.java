package dev.braid.operator.model;

import dev.braid.api.config.Cidr;
import dev.braid.api.v1alpha1.VPNClient;
import dev.braid.api.v1alpha1.VPNGateway;
import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides which of a gateway's VPNClients get their fixed tunnel address ({@code spec.address}).
 * The renderer writes the granted ones into the agent config and the VPNClient reconciler reports
 * the refused ones, so both read this one decision. Of two clients asking for one address the older
 * (creationTimestamp, then name) keeps it, so a newcomer never takes an address away.
 */
public final class FixedAddresses {
  /** The address is not inside the gateway's IPv4 pool. */
  public static final String OUTSIDE_POOL = "AddressOutsidePool";

  /** The address is the pool's network, gateway (first host) or broadcast address. */
  public static final String RESERVED = "AddressReserved";

  /** An older VPNClient of the same gateway holds the address. */
  public static final String TAKEN = "AddressTaken";

  /** The gateway has no usable IPv4 pool to take the address from. */
  public static final String NO_POOL = "NoAddressPool";

  /** Why a client does not get its {@code spec.address}: a condition reason and message. */
  public record Refusal(String reason, String message) {}

  /**
   * The decision for one gateway.
   *
   * @param granted address by client name (the certificate common name), sorted by name
   * @param refused why, by client name, for every client of the gateway whose address is left out
   */
  public record Allocation(Map<String, String> granted, Map<String, Refusal> refused) {
    /** Why {@code client} does not get its address, if it does not. */
    public Optional<Refusal> refusal(String client) {
      return Optional.ofNullable(refused.get(client));
    }
  }

  /** Older first (creationTimestamp; unknown counts as newest), then by name. */
  static final Comparator<VPNClient> SENIORITY =
      Comparator.comparing(
              (VPNClient c) -> created(c).orElse(Instant.MAX), Comparator.naturalOrder())
          .thenComparing(c -> c.getMetadata().getName());

  private FixedAddresses() {}

  /**
   * Grants or refuses the {@code spec.address} of each of {@code clients} that belongs to {@code
   * gateway} (same namespace, {@code spec.gateway} names it); other clients are ignored.
   */
  public static Allocation allocate(VPNGateway gateway, Collection<VPNClient> clients) {
    String gatewayName = gateway.getMetadata().getName();
    String pool = gateway.getSpec().network == null ? null : gateway.getSpec().network.ipv4;
    Cidr cidr = parsePool(pool);
    List<VPNClient> asking =
        clients.stream()
            .filter(c -> c.getSpec() != null && c.getSpec().address != null)
            .filter(c -> gatewayName.equals(c.getSpec().gateway))
            .filter(
                c ->
                    Objects.equals(
                        gateway.getMetadata().getNamespace(), c.getMetadata().getNamespace()))
            .sorted(SENIORITY)
            .toList();
    Map<String, String> granted = new TreeMap<>();
    Map<String, Refusal> refused = new TreeMap<>();
    Map<InetAddress, String> holders = new HashMap<>();
    for (VPNClient c : asking) {
      String name = c.getMetadata().getName();
      String text = c.getSpec().address;
      Refusal refusal = check(gatewayName, pool, cidr, text);
      if (refusal == null) {
        InetAddress address = Cidr.parseAddress(text);
        String holder = holders.putIfAbsent(address, name);
        if (holder == null) {
          granted.put(name, text);
          continue;
        }
        refusal =
            new Refusal(
                TAKEN,
                "spec.address "
                    + text
                    + " is already held by VPNClient "
                    + holder
                    + ", which is older; set another free address of pool "
                    + pool
                    + " or remove spec.address (until then this client gets an address from"
                    + " the pool)");
      }
      refused.put(name, refusal);
    }
    return new Allocation(granted, refused);
  }

  /** Null when {@code text} is a client address of the pool; otherwise why not. */
  private static Refusal check(String gateway, String pool, Cidr cidr, String text) {
    if (cidr == null) {
      return new Refusal(
          NO_POOL,
          "spec.address "
              + text
              + " is set but VPNGateway "
              + gateway
              + " has no valid IPv4 pool (spec.network.ipv4)");
    }
    InetAddress address;
    try {
      address = Cidr.parseAddress(text);
    } catch (IllegalArgumentException e) {
      return new Refusal(
          OUTSIDE_POOL, "spec.address " + text + " is not an IPv4 address: " + e.getMessage());
    }
    if (!cidr.contains(address)) {
      return new Refusal(
          OUTSIDE_POOL,
          "spec.address " + text + " is outside the gateway pool " + pool + "; " + range(cidr));
    }
    if (cidr.isClientAddress(address)) {
      return null;
    }
    String role =
        address.equals(cidr.address(0))
            ? "the network address"
            : address.equals(cidr.address(1))
                ? "the gateway's own address (the first host)"
                : "the broadcast address";
    return new Refusal(
        RESERVED, "spec.address " + text + " is " + role + " of pool " + pool + "; " + range(cidr));
  }

  private static String range(Cidr cidr) {
    int hostBits = cidr.network().getAddress().length * 8 - cidr.prefixLength();
    if (hostBits < 2) {
      return "the pool has no client addresses";
    }
    long last = BigInteger.ONE.shiftLeft(hostBits).subtract(BigInteger.TWO).longValue();
    return "choose one from "
        + cidr.address(2).getHostAddress()
        + " to "
        + cidr.address(last).getHostAddress();
  }

  private static Cidr parsePool(String pool) {
    if (pool == null) {
      return null;
    }
    try {
      Cidr cidr = Cidr.parse(pool);
      return cidr.isIpv4() ? cidr : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Optional<Instant> created(VPNClient c) {
    String text = c.getMetadata().getCreationTimestamp();
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
