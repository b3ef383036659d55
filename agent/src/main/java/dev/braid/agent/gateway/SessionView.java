package dev.braid.agent.gateway;

import java.util.List;

/**
 * One session as its loop last published it (at most a second old).
 *
 * @param owner the worker that owns it (the worker count for the TCP loop)
 * @param transport {@code UDP} or {@code TCP}
 * @param peerId its DATA_V2 peer-id
 * @param tunnelAddress the client's IPv4 tunnel address (null until established)
 * @param tunnelAddress6 the client's IPv6 tunnel address, or null
 * @param commonName the client certificate's common name, or null before its TLS handshake
 * @param cipher the agreed data-channel cipher, or null before
 * @param establishedWallSeconds wall-clock second it was established, or 0 before
 * @param established keys agreed and PUSH_REPLY sent
 * @param paths paths it was reached over, most recent first
 * @param bytesIn tunnel bytes from the client (decrypted IP packets)
 * @param bytesOut tunnel bytes to the client (IP packets before encryption)
 * @param authenticatedDataPackets data packets that authenticated and passed the replay check
 * @param multipath the paths and counters of a Braid site's multipath session; null otherwise
 */
public record SessionView(
    int owner,
    String transport,
    int peerId,
    String tunnelAddress,
    String tunnelAddress6,
    String commonName,
    String cipher,
    long establishedWallSeconds,
    boolean established,
    List<PathView> paths,
    long bytesIn,
    long bytesOut,
    long authenticatedDataPackets,
    MultipathView multipath) {}
