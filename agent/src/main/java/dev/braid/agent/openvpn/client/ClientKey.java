package dev.braid.agent.openvpn.client;

import dev.braid.agent.openvpn.data.AeadDataChannel;
import dev.braid.agent.openvpn.keys.KeyMethod2;
import dev.braid.agent.openvpn.reliable.ReliableEndpoint;
import dev.braid.agent.openvpn.tls.TlsPump;
import java.io.ByteArrayOutputStream;

/**
 * One key negotiation of a client session (key id 0 after the hard reset, 1..7 after each soft
 * reset): its reliable layer, TLS exchange, key-method 2 messages and, once agreed, data keys.
 */
final class ClientKey {
  enum Phase {
    /** Our reset is out; TLS starts when the server's reset arrives (key 0). */
    RESET,
    /** TLS and the key-method 2 exchange are under way. */
    TLS,
    /** The server's key-method 2 message arrived: both sides can derive data keys. */
    AGREED,
    /** TLS failed. */
    FAILED
  }

  /** Sealed packets after which a key must be replaced before its 32-bit packet id wraps. */
  static final long SEAL_LIMIT = 0xFF00_0000L;

  final int keyId;
  final boolean byServer;
  final ReliableEndpoint reliable;
  final TlsPump tls;
  final long startedNanos;
  final ByteArrayOutputStream plain = new ByteArrayOutputStream();

  Phase phase = Phase.RESET;
  KeyMethod2.ClientMessage sent;
  KeyMethod2.ServerMessage received;
  AeadDataChannel data;
  long sealed;

  /** When the data keys were installed; the age renegotiation counts from. */
  long agreedNanos;

  long renegotiateAtNanos = Long.MAX_VALUE;
  long retireAtNanos = Long.MAX_VALUE;

  ClientKey(int keyId, boolean byServer, ReliableEndpoint reliable, TlsPump tls, long nowNanos) {
    this.keyId = keyId;
    this.byServer = byServer;
    this.reliable = reliable;
    this.tls = tls;
    this.startedNanos = nowNanos;
  }

  /** Key ids run 0, 1, ..., 7, then 1 again (0 only ever follows a hard reset). */
  static int next(int keyId) {
    return keyId == 7 ? 1 : keyId + 1;
  }
}
