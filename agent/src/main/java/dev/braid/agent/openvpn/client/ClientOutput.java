package dev.braid.agent.openvpn.client;

import dev.braid.agent.openvpn.wire.DropReason;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link ClientSession} produced in one call: datagrams to send, each with the path it must
 * leave on, events for the caller, and drops counted by reason. Drain after each call.
 *
 * @param <P> the caller's path type
 */
public final class ClientOutput<P> {
  /** A datagram for {@code path}. */
  public record Datagram<P>(P path, byte[] bytes) {}

  private final List<Datagram<P>> datagrams = new ArrayList<>();
  private final List<ClientEvent<P>> events = new ArrayList<>();
  private final Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);

  void send(P path, byte[] bytes) {
    datagrams.add(new Datagram<>(path, bytes));
  }

  void event(ClientEvent<P> e) {
    events.add(e);
  }

  void drop(DropReason reason) {
    drops.merge(reason, 1L, Long::sum);
  }

  public List<Datagram<P>> datagrams() {
    return datagrams;
  }

  public List<ClientEvent<P>> events() {
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
