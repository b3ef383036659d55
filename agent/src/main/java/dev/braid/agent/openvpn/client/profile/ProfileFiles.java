package dev.braid.agent.openvpn.client.profile;

import java.util.Optional;

/**
 * Resolves a file a profile names ({@code ca ca.crt}) to its text. The parser does no I/O: callers
 * that accept profiles with file references supply one (reading relative to the profile's
 * directory); profiles from a VPNClient Secret carry everything inline and need none.
 */
@FunctionalInterface
public interface ProfileFiles {
  /** The file's contents, or empty if it does not exist or cannot be read. */
  Optional<String> read(String name);

  /** Resolves nothing: every file reference is an error that asks for inline material. */
  ProfileFiles NONE = name -> Optional.empty();
}
