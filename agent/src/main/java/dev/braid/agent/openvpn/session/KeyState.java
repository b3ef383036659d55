package dev.braid.agent.openvpn.session;

import dev.braid.agent.openvpn.data.AeadDataChannel;
import dev.braid.agent.openvpn.keys.KeyMethod2;
import dev.braid.agent.openvpn.reliable.ReliableEndpoint;
import dev.braid.agent.openvpn.tls.TlsPump;
import java.io.ByteArrayOutputStream;

/**
 * One key negotiation of a session (key id 0 after the hard reset, 1..7 after each soft reset): its
 * own reliable layer, TLS exchange, key-method 2 state and, once agreed, data-channel keys.
 */
final class KeyState {
  enum Phase {
    TLS,
    KEYS_AGREED,
    FAILED
  }

  final int keyId;
  final ReliableEndpoint reliable;
  final TlsPump tls;
  final ByteArrayOutputStream plain = new ByteArrayOutputStream();
  final long startedNanos;

  /** This key's soft reset came from the server (reneg-sec), not the client. */
  boolean startedByServer;

  Phase phase = Phase.TLS;

  /** When the keys were agreed; the age that renegotiation counts from. */
  long agreedNanos;

  KeyMethod2.ClientMessage client;
  byte[] serverRandom1;
  byte[] serverRandom2;
  boolean exportedKeys;
  AeadDataChannel data;
  long retireAtNanos = Long.MAX_VALUE;

  KeyState(int keyId, ReliableEndpoint reliable, TlsPump tls, long startedNanos) {
    this.keyId = keyId;
    this.reliable = reliable;
    this.tls = tls;
    this.startedNanos = startedNanos;
  }
}
