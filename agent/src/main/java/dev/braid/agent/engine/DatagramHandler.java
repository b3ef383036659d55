package dev.braid.agent.engine;

/**
 * What a worker does with the datagrams it receives; the protocol layer implements it. One instance
 * per worker, called only from that worker's thread, so it needs no locking.
 */
@FunctionalInterface
public interface DatagramHandler {
  void onDatagrams(Datagrams datagrams, LoopContext context);
}
