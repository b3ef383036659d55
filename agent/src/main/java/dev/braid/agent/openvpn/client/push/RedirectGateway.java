package dev.braid.agent.openvpn.client.push;

import java.util.Set;

/**
 * {@code redirect-gateway [flags]} or {@code redirect-private [flags]}: send all (or, for private,
 * only the pushed) traffic through the tunnel.
 *
 * @param privateOnly true for {@code redirect-private}
 * @param flags the flags as given ({@code def1}, {@code bypass-dhcp}, {@code ipv6}, {@code !ipv4},
 *     {@code local}, {@code autolocal}, {@code block-local}, ...)
 */
public record RedirectGateway(boolean privateOnly, Set<String> flags) {
  public RedirectGateway {
    flags = Set.copyOf(flags);
  }

  /** Whether IPv4 traffic is redirected (unless {@code !ipv4}). */
  public boolean ipv4() {
    return !flags.contains("!ipv4");
  }

  /** Whether IPv6 traffic is redirected ({@code ipv6}). */
  public boolean ipv6() {
    return flags.contains("ipv6");
  }
}
