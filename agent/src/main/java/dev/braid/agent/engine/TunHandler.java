package dev.braid.agent.engine;

/** What a worker does with IP packets read from its TUN queue; one instance per worker. */
@FunctionalInterface
public interface TunHandler {
  void onTunPackets(TunPackets packets, LoopContext context);

  /** Counts every packet as {@link LoopDrop#NO_ROUTE}. */
  static TunHandler dropAll() {
    return (packets, context) -> context.drop(LoopDrop.NO_ROUTE, packets.size());
  }
}
