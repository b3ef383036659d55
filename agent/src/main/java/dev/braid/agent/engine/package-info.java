/**
 * The data plane engine: one worker thread per core, each owning a SO_REUSEPORT UDP socket and a
 * queue of a multiqueue TUN device, steering every packet of a session to the worker that owns it,
 * replying from the address each peer sent to, and counting per worker. The protocol layer plugs in
 * through {@link dev.braid.agent.engine.DatagramHandler}, {@link dev.braid.agent.engine.TunHandler}
 * and, for protocol timers and hand-offs between workers, {@link
 * dev.braid.agent.engine.WorkerTimer} with {@link dev.braid.agent.engine.Engine#wake}; the {@link
 * dev.braid.agent.engine.SessionTable} is the only structure workers share.
 */
package dev.braid.agent.engine;
