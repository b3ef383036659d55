package dev.braid.agent.openvpn.client;

import dev.braid.agent.openvpn.client.push.PushedOptions;
import dev.braid.agent.openvpn.keys.AeadCipher;

/**
 * Something the caller must act on, produced while a {@link ClientSession} handles input or time.
 *
 * @param <P> the caller's path type
 */
public sealed interface ClientEvent<P> {
  /**
   * The server's options arrived and the data channel is up: configure the tunnel device and routes
   * from {@code options}, then pass packets.
   *
   * @param options what the server pushed
   * @param cipher the data-channel cipher in use
   * @param peerId the DATA_V2 peer id
   * @param tlsKeyExport whether the data keys came from TLS keying-material export (else PRF)
   * @param multipath whether the server accepted Braid multipath (a {@code braid-multipath} offer
   *     of a version this client speaks, answering our {@code IV_BRAID_MP})
   */
  record Connected<P>(
      PushedOptions options, AeadCipher cipher, int peerId, boolean tlsKeyExport, boolean multipath)
      implements ClientEvent<P> {}

  /**
   * A decrypted IP packet from the server, for the tunnel device.
   *
   * @param packet the IP packet
   * @param path the path it authenticated on
   * @param keyId the data key it was sealed with
   * @param packetId its data-channel packet id, unsigned (the sequence a reorder buffer orders by,
   *     per key)
   */
  record TunPacket<P>(byte[] packet, P path, int keyId, long packetId) implements ClientEvent<P> {}

  /** A renegotiation agreed new data keys under {@code keyId}; who started it. */
  record Renegotiated<P>(int keyId, boolean byServer) implements ClientEvent<P> {}

  /** A server message for the operator ({@code INFO}, {@code INFO_PRE}, {@code AUTH_PENDING}). */
  record Notice<P>(String message) implements ClientEvent<P> {}

  /** The session ended; {@code reason} says why and whether another attempt makes sense. */
  record Closed<P>(CloseReason reason) implements ClientEvent<P> {}
}
