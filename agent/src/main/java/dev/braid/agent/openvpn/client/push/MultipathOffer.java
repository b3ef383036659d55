package dev.braid.agent.openvpn.client.push;

import java.util.List;

/**
 * Braid's multipath option, {@code braid-multipath <version> [arguments...]}: only a Braid hub
 * pushes it, and only to a client that announced {@code IV_BRAID_MP} in its peer-info. What the
 * arguments mean is up to the version; they are kept as given.
 *
 * @param version the multipath protocol version the hub speaks
 * @param arguments the remaining arguments, verbatim
 */
public record MultipathOffer(int version, List<String> arguments) {
  public MultipathOffer {
    arguments = List.copyOf(arguments);
  }
}
