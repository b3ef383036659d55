package dev.braid.agent.openvpn.tlswrap;

import dev.braid.agent.openvpn.wire.Decoded;

/**
 * Protection of control packets on the wire. Implementations are immutable and thread-safe; the
 * per-session parts (the replay id to send, the replay window) live with the session.
 */
public interface ControlWrap {
  /**
   * An authenticated packet: the plain control packet ({@code op|sid|acks...}) and its replay id.
   */
  record Unwrapped(byte[] plain, long epoch, int packetId) {}

  /**
   * Wraps a plain control packet ({@code op|sid|rest}) using replay id {@code (epoch, packetId)}.
   */
  byte[] wrap(byte[] plain, long epoch, int packetId);

  /** Authenticates (and decrypts) a wire packet; replay is left to the caller. */
  Decoded<Unwrapped> unwrap(byte[] wire, int off, int len);

  /** No wrapping: plain control packets on the wire. */
  ControlWrap NONE =
      new ControlWrap() {
        @Override
        public byte[] wrap(byte[] plain, long epoch, int packetId) {
          return plain;
        }

        @Override
        public Decoded<Unwrapped> unwrap(byte[] wire, int off, int len) {
          return Decoded.ok(
              new Unwrapped(java.util.Arrays.copyOfRange(wire, off, off + len), 0, 0));
        }
      };
}
