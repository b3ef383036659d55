package dev.braid.agent.multipath;

/**
 * A simulated data-channel packet: key id and packet id as the AEAD channel would carry them, and
 * either probe bytes or an application packet.
 */
record SimPacket(int keyId, long packetId, byte[] probe, AppPacket app, int length) {
  /** An application packet: its own sequence number and when the source sent it. */
  record AppPacket(long seq, long sentNanos, int length) {}
}
