package dev.braid.agent.openvpn.reliable;

import java.util.Arrays;

/**
 * The reliable layer's view of one control packet: ACKs it carries and, unless it is a pure ACK,
 * one message. The wire codec maps it to and from P_CONTROL_* / P_ACK_V1 packets (adding session
 * ids and key id).
 *
 * @param opcode control opcode of the message; ignored for a pure ACK
 * @param hasMessage false for a pure ACK (P_ACK_V1)
 * @param messageId message packet-id, meaningful only with a message
 * @param acks acknowledged ids carried by this packet
 * @param payload message bytes (empty for a pure ACK)
 */
public record Segment(int opcode, boolean hasMessage, int messageId, int[] acks, byte[] payload) {
  private static final byte[] EMPTY = new byte[0];

  public static Segment ackOnly(int[] acks) {
    return new Segment(0, false, 0, acks, EMPTY);
  }

  public static Segment message(int opcode, int messageId, int[] acks, byte[] payload) {
    return new Segment(opcode, true, messageId, acks, payload);
  }

  @Override
  public String toString() {
    return (hasMessage ? "MSG op=" + opcode + " id=" + Integer.toUnsignedString(messageId) : "ACK")
        + " acks="
        + Arrays.toString(acks)
        + " len="
        + payload.length;
  }
}
