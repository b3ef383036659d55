package dev.braid.agent.openvpn.reliable;

/**
 * One message the sender wants on the wire now.
 *
 * @param messageId the 32-bit message packet-id (a retransmission reuses it)
 * @param opcode the control opcode the message was queued with
 * @param payload message bytes; not copied, do not modify
 * @param reason why it is sent now
 */
public record Transmission(int messageId, int opcode, byte[] payload, SendReason reason) {}
