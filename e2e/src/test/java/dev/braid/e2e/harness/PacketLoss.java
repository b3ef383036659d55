package dev.braid.e2e.harness;

import dev.braid.agent.testing.NetNs;
import java.io.IOException;

/**
 * Packet loss injected with nftables inside a namespace (this machine has no netem). Rules match
 * UDP only, so they shape the VPN's transport and nothing else.
 */
public final class PacketLoss {
  private PacketLoss() {}

  /**
   * Drops {@code percent}% of every UDP packet to and from the namespace, independently each way.
   */
  public static void randomBothWays(NetNs ns, int percent) throws IOException {
    table(ns);
    for (String chain : new String[] {"input", "output"}) {
      ns.exec(
          "nft",
          "add rule inet braidloss "
              + chain
              + " meta l4proto udp numgen random mod 100 < "
              + percent
              + " drop");
    }
  }

  /**
   * Drops {@code percent}% of the OpenVPN P_ACK_V1 packets the namespace sends: UDP datagrams whose
   * first payload byte is 0x28 (opcode 5, key id 0).
   */
  public static void outgoingAcks(NetNs ns, int percent) throws IOException {
    table(ns);
    ns.exec(
        "nft",
        "add rule inet braidloss output meta l4proto udp @th,64,8 == 0x28"
            + " numgen random mod 100 < "
            + percent
            + " drop");
  }

  /** Removes every loss rule from the namespace. */
  public static void clear(NetNs ns) throws IOException {
    ns.exec("nft", "delete", "table", "inet", "braidloss");
  }

  private static void table(NetNs ns) throws IOException {
    ns.exec("nft", "add", "table", "inet", "braidloss");
    ns.exec(
        "nft",
        "add",
        "chain",
        "inet",
        "braidloss",
        "input",
        "{ type filter hook input priority 0 ; }");
    ns.exec(
        "nft",
        "add",
        "chain",
        "inet",
        "braidloss",
        "output",
        "{ type filter hook output priority 0 ; }");
  }
}
