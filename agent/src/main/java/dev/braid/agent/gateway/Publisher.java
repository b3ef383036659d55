package dev.braid.agent.gateway;

import dev.braid.agent.openvpn.reliable.SenderCounters;
import dev.braid.agent.openvpn.session.Output;
import dev.braid.agent.openvpn.wire.DropReason;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loop's status for other threads: once a second the loop replaces an immutable snapshot in a
 * volatile field, so readers never stop it and never see a half-updated state. Logs protocol drops
 * when they changed, which is where a wrong tls-crypt key or a scanner shows up.
 */
final class Publisher {
  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
  private static final long PERIOD_NANOS = 1_000_000_000L;

  /** What other threads read. */
  record Published(
      List<SessionView> sessions,
      Map<DropReason, Long> drops,
      long handshakes,
      long revoked,
      SenderCounters control,
      long serverRenegotiations,
      long clientRenegotiations) {}

  private volatile Published published =
      new Published(List.of(), Map.of(), 0, 0, new SenderCounters(), 0, 0);
  private long nextAt;

  Published published() {
    return published;
  }

  /** Publishes if a period has passed; returns when the next one is due. */
  long publishIfDue(
      long now,
      Supplier<List<SessionView>> sessions,
      Output<?> out,
      SessionLedger ledger,
      long revoked,
      SenderCounters control,
      String loopName) {
    if (now - nextAt < 0) {
      return nextAt;
    }
    Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
    drops.putAll(out.drops());
    Published previous = published;
    published =
        new Published(
            sessions.get(),
            Map.copyOf(drops),
            ledger.handshakes(),
            revoked,
            control.copy(),
            ledger.renegotiations(true),
            ledger.renegotiations(false));
    if (!drops.equals(previous.drops())) {
      LOG.info("{} protocol drops: {}", loopName, drops);
    }
    nextAt = now + PERIOD_NANOS;
    return nextAt;
  }
}
