package dev.braid.agent.openvpn.client.profile;

import java.util.Optional;

/** A client's transport ({@code proto}, or the third word of {@code remote}). */
public enum Protocol {
  UDP("udp", false, 0),
  UDP4("udp4", false, 4),
  UDP6("udp6", false, 6),
  TCP_CLIENT("tcp-client", true, 0),
  TCP4_CLIENT("tcp4-client", true, 4),
  TCP6_CLIENT("tcp6-client", true, 6);

  private final String openvpnName;
  private final boolean tcp;
  private final int family;

  Protocol(String openvpnName, boolean tcp, int family) {
    this.openvpnName = openvpnName;
    this.tcp = tcp;
    this.family = family;
  }

  /** The profile's spelling; {@code tcp}, {@code tcp4}, {@code tcp6} mean the client forms. */
  public static Optional<Protocol> ofName(String name) {
    String n =
        switch (name) {
          case "tcp", "tcp4", "tcp6" -> name + "-client";
          default -> name;
        };
    for (Protocol p : values()) {
      if (p.openvpnName.equals(n)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  public String openvpnName() {
    return openvpnName;
  }

  /** Whether the transport is a TCP stream (else UDP datagrams). */
  public boolean tcp() {
    return tcp;
  }

  /** 4 or 6 when the address family is fixed, 0 when either will do. */
  public int family() {
    return family;
  }
}
