package dev.braid.agent.gateway;

/** An IP packet read from TUN by one loop, passed to the loop that owns session {@code peerId}. */
record Handed(int peerId, byte[] packet) {}
