package dev.braid.agent.openvpn.wire;

import java.util.Arrays;

/**
 * A control packet without tls-auth/tls-crypt wrapping.
 *
 * @param opcode a control opcode
 * @param keyId 0..7
 * @param sessionId the sender's own session id (non-zero)
 * @param acks acknowledged message ids (at most 8)
 * @param peerSessionId the receiver's session id; present on the wire only when acks is non-empty
 * @param messageId message packet-id; absent on the wire for ACK_V1
 * @param payload TLS records (or nothing)
 */
public record ControlPacket(
    Opcode opcode,
    int keyId,
    long sessionId,
    int[] acks,
    long peerSessionId,
    int messageId,
    byte[] payload) {

  public static final int MAX_ACKS = 8;

  public ControlPacket {
    if (opcode.isData()) {
      throw new IllegalArgumentException("not a control opcode: " + opcode);
    }
    if (acks.length > MAX_ACKS) {
      throw new IllegalArgumentException("at most 8 ACKs per packet, got " + acks.length);
    }
    if (opcode == Opcode.ACK_V1 && payload.length != 0) {
      throw new IllegalArgumentException("ACK_V1 carries no payload");
    }
  }

  @Override
  public String toString() {
    return "%s kid=%d sid=%016x acks=%s psid=%016x id=%s len=%d"
        .formatted(
            opcode,
            keyId,
            sessionId,
            Arrays.toString(acks),
            peerSessionId,
            opcode.carriesMessage() ? Integer.toUnsignedString(messageId) : "-",
            payload.length);
  }
}
