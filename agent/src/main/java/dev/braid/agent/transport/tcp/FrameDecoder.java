package dev.braid.agent.transport.tcp;

/**
 * Receives a connection's stream bytes, in the order they arrived, in pieces of any size. The
 * transport does not know the framing (OpenVPN's u16 length prefix lives in the protocol package):
 * the decoder keeps its own partial frame and delivers whole frames wherever it wants.
 */
@FunctionalInterface
public interface FrameDecoder {
  /**
   * Consumes {@code len} bytes at {@code off}. Returns null while the stream is acceptable, or why
   * it no longer is (e.g. a zero or oversized length prefix); the connection then ends as a
   * protocol error and the decoder is not called again.
   */
  String feed(byte[] data, int off, int len);
}
