package dev.braid.agent.transport.tcp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides, for one connection, how it ended, from the events its reader and writer saw. Not
 * thread-safe: one connection is driven by one worker.
 *
 * <p>The errno alone does not say whether the peer had closed first. Linux's {@code tcp_reset} sets
 * ECONNRESET when a reset arrives in ESTABLISHED (or after our own FIN) but EPIPE when it arrives
 * in CLOSE_WAIT, i.e. after the peer's FIN; a later read of the dead socket returns EOF or EPIPE
 * either way. So a reset after a FIN is recognised by an end of stream read before the error, or by
 * EPIPE as the first error while our side of the stream was still open.
 *
 * <p>The first terminal event decides; later events are recorded but change nothing.
 */
public final class DisconnectClassifier {
  /** What the connection's reader or writer observed. */
  public enum Kind {
    /** read returned 0: the peer's FIN. */
    END_OF_STREAM,
    /** read failed with {@link Event#errno()}. */
    READ_ERROR,
    /** write failed with {@link Event#errno()}. */
    WRITE_ERROR,
    /** We sent our FIN (shutdown(SHUT_WR)). */
    LOCAL_SHUTDOWN,
    /** We closed, for {@link Event#detail()}. */
    LOCAL_CLOSE,
    /** The frame decoder refused the stream, for {@link Event#detail()}. */
    PROTOCOL_ERROR
  }

  /** One observation, kept so that a disconnect can be explained (and replayed in tests). */
  public record Event(Kind kind, int errno, String detail) {}

  private final InetSocketAddress peer;
  private final boolean errnoOnly;
  private final List<Event> events = new ArrayList<>(4);
  private boolean finSeen;
  private boolean localShutdown;
  private Disconnect result;

  private DisconnectClassifier(InetSocketAddress peer, boolean errnoOnly) {
    this.peer = peer;
    this.errnoOnly = errnoOnly;
  }

  /** A classifier for the connection with {@code peer}. */
  public static DisconnectClassifier forPeer(InetSocketAddress peer) {
    return new DisconnectClassifier(peer, false);
  }

  /**
   * Test-only switch: the naive classifier most stacks have, which maps the errno alone (ECONNRESET
   * and EPIPE both to {@link DisconnectCause#RESET}) and so cannot tell an abort after FIN from a
   * bare reset.
   */
  static DisconnectClassifier errnoOnly(InetSocketAddress peer) {
    return new DisconnectClassifier(peer, true);
  }

  /** Feeds {@code recorded} events, in order, to a fresh classifier of the given kind. */
  static Disconnect replay(InetSocketAddress peer, List<Event> recorded, boolean errnoOnly) {
    DisconnectClassifier c = new DisconnectClassifier(peer, errnoOnly);
    recorded.forEach(c::accept);
    return c.result;
  }

  public void endOfStream() {
    accept(new Event(Kind.END_OF_STREAM, 0, "peer sent FIN"));
  }

  public void readError(int errno) {
    accept(new Event(Kind.READ_ERROR, errno, LinuxErrno.name(errno) + " on read"));
  }

  public void writeError(int errno) {
    accept(new Event(Kind.WRITE_ERROR, errno, LinuxErrno.name(errno) + " on write"));
  }

  public void localShutdown() {
    accept(new Event(Kind.LOCAL_SHUTDOWN, 0, "sent our FIN"));
  }

  public void localClose(String reason) {
    accept(new Event(Kind.LOCAL_CLOSE, 0, reason));
  }

  public void protocolError(String reason) {
    accept(new Event(Kind.PROTOCOL_ERROR, 0, reason));
  }

  private void accept(Event event) {
    events.add(event);
    if (result != null) {
      return;
    }
    switch (event.kind()) {
      case END_OF_STREAM -> finSeen = true;
      case LOCAL_SHUTDOWN -> localShutdown = true;
      case READ_ERROR, WRITE_ERROR -> result = classifyError(event);
      case LOCAL_CLOSE ->
          result =
              finSeen
                  ? end(DisconnectCause.CLEAN_CLOSE, 0, "peer sent FIN, then " + event.detail())
                  : end(DisconnectCause.LOCAL_CLOSE, 0, event.detail());
      case PROTOCOL_ERROR -> result = end(DisconnectCause.PROTOCOL_ERROR, 0, event.detail());
    }
  }

  private Disconnect classifyError(Event event) {
    int errno = event.errno();
    String detail = event.detail();
    return switch (errno) {
      case LinuxErrno.ETIMEDOUT -> end(DisconnectCause.TIMEOUT, errno, detail);
      case LinuxErrno.ECONNRESET, LinuxErrno.EPIPE -> {
        if (errnoOnly) {
          yield end(DisconnectCause.RESET, errno, detail);
        }
        if (finSeen) {
          yield end(DisconnectCause.ABORT_AFTER_FIN, errno, "peer sent FIN, then " + detail);
        }
        if (errno == LinuxErrno.EPIPE && !localShutdown) {
          // Only a reset in CLOSE_WAIT yields EPIPE on a socket we had not shut down ourselves.
          yield end(
              DisconnectCause.ABORT_AFTER_FIN, errno, detail + ": reset after the peer's FIN");
        }
        yield end(DisconnectCause.RESET, errno, detail);
      }
      default -> end(DisconnectCause.ERROR, errno, detail);
    };
  }

  private Disconnect end(DisconnectCause cause, int errno, String detail) {
    return new Disconnect(cause, peer, errno, detail);
  }

  /** Whether a terminal event has been seen. */
  public boolean isDecided() {
    return result != null;
  }

  /** The decision, or null while the connection is alive. */
  public Disconnect result() {
    return result;
  }

  /** Whether the peer's FIN has been read. */
  public boolean finSeen() {
    return finSeen;
  }

  /** Every event fed so far, in order. */
  public List<Event> events() {
    return List.copyOf(events);
  }
}
