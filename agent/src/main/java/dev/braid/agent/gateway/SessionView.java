package dev.braid.agent.gateway;

import dev.braid.agent.engine.Path;
import java.util.List;

/**
 * One session as its worker last published it (at most a second old).
 *
 * @param worker the worker that owns it
 * @param peerId its DATA_V2 peer-id
 * @param tunnelAddress the client's tunnel address
 * @param established keys agreed and PUSH_REPLY sent
 * @param paths paths it was reached over, most recent first
 * @param bytesIn tunnel bytes from the client (decrypted IP packets)
 * @param bytesOut tunnel bytes to the client (IP packets before encryption)
 * @param authenticatedDataPackets data packets that authenticated and passed the replay check
 */
public record SessionView(
    int worker,
    int peerId,
    String tunnelAddress,
    boolean established,
    List<Path> paths,
    long bytesIn,
    long bytesOut,
    long authenticatedDataPackets) {}
