package dev.braid.agent.openvpn.session;

import dev.braid.agent.openvpn.wire.DropReason;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what processing produced: datagrams to send (each with the path to send it on), events
 * for the engine, and drops counted by reason. One per worker, drained after each batch.
 */
public final class Output<P> {
  /** A datagram for {@code path}. */
  public record Datagram<P>(P path, byte[] bytes) {}

  private final List<Datagram<P>> datagrams = new ArrayList<>();
  private final List<SessionEvent> events = new ArrayList<>();
  private final Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);

  void send(P path, byte[] bytes) {
    datagrams.add(new Datagram<>(path, bytes));
  }

  void event(SessionEvent e) {
    events.add(e);
  }

  void drop(DropReason reason) {
    drops.merge(reason, 1L, Long::sum);
  }

  public List<Datagram<P>> datagrams() {
    return datagrams;
  }

  public List<SessionEvent> events() {
    return events;
  }

  /** Drops so far, by reason (cumulative; not cleared by {@link #clear}). */
  public Map<DropReason, Long> drops() {
    return drops;
  }

  /** Forgets datagrams and events already handled. */
  public void clear() {
    datagrams.clear();
    events.clear();
  }
}
