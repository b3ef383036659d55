package dev.braid.agent.transport;

import dev.braid.agent.openvpn.session.Output;
import dev.braid.agent.openvpn.session.ServerSessions;
import dev.braid.agent.openvpn.wire.DropReason;
import dev.braid.agent.openvpn.wire.TcpFramer;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * One OpenVPN-over-TCP connection: {@link #onBytes} de-frames what the socket delivered and hands
 * each packet to the session table with this connection as the path; {@link #encode} frames the
 * packets the sessions produced for it. A zero or oversized length ends the connection ({@link
 * #failure()}), since the stream cannot be resynchronised. Not thread-safe.
 *
 * @param <P> the engine's path type; this connection's path value
 */
public final class TcpConnection<P> {
  /**
   * OpenVPN's largest control or data packet over TCP comfortably fits; larger lengths are garbage.
   */
  public static final int MAX_PACKET = 2048;

  private final P path;
  private final ServerSessions<P> sessions;
  private final TcpFramer framer = new TcpFramer(MAX_PACKET);
  private long packetsReceived;

  public TcpConnection(P path, ServerSessions<P> sessions) {
    this.path = path;
    this.sessions = sessions;
  }

  /**
   * Processes bytes read from the connection; false once the stream is unusable and must be closed.
   */
  public boolean onBytes(byte[] data, int off, int len, long nowNanos, Output<P> out) {
    List<byte[]> packets = framer.feed(data, off, len);
    packetsReceived += packets.size();
    for (byte[] p : packets) {
      sessions.receive(p, 0, p.length, path, nowNanos, out);
    }
    return framer.error() == null;
  }

  /** Packets de-framed from the stream since it opened. */
  public long packetsReceived() {
    return packetsReceived;
  }

  /** Why the stream was abandoned, or null. */
  public DropReason failure() {
    return framer.error();
  }

  /** Frames the datagrams in {@code out} addressed to this connection, in order. */
  public byte[] encode(Output<P> out) {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (Output.Datagram<P> d : out.datagrams()) {
      if (d.path().equals(path)) {
        stream.writeBytes(TcpFramer.frame(d.bytes()));
      }
    }
    return stream.toByteArray();
  }

  public P path() {
    return path;
  }
}
