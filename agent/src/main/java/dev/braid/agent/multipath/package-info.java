/**
 * Multipath for Braid peers: one OpenVPN session bonded over several paths (one per local uplink
 * and remote endpoint), in pure Java and driven by the session like the reliable layer is: bytes
 * and an explicit time in, decisions out, no I/O, no clock, no threads.
 *
 * <p>{@link dev.braid.agent.multipath.MultipathLink} is the one class a session uses. Paths are
 * small int ids (0..63) that the link hands out in {@code addPath}: they ride in one byte of a
 * probe and a set of them is a {@code long} bit mask, so choosing paths for a packet allocates
 * nothing; the session keeps its own table from id to its address type ({@code engine.Path}), and
 * the link never needs to know what an address is.
 *
 * <ul>
 *   <li><b>Probes</b> ({@code ProbeCodec}) are data-channel payloads behind a 16-byte magic, sent
 *       on every path every {@code probeInterval}, busy or idle, by both peers (four times as often
 *       while a path is in doubt). The data channel authenticates them and its replay window drops
 *       replays; on top of that a reply is used only if it answers a probe this side sent on the
 *       same path, not yet answered, echoing its timestamp, with a hold time shorter than the round
 *       trip, so a forged or replayed probe cannot change a path's state. A reply carries the
 *       replier's receive time and its receive counters for the path, from which the prober
 *       measures round trip, one-way delay differences, loss and delivery rate in its own sending
 *       direction (never from the tunnel's global sequence: MLVPN#61).
 *   <li><b>Path state</b> ({@link dev.braid.agent.multipath.PathState}): probing, up, degraded
 *       (missed probes or lossy), down (no answer for the down timeout, 400 ms at the default 100
 *       ms interval and longer on jittery links, while the peer does not report receiving more),
 *       back up after a couple of answers, with a flap penalty. The reported state {@code backup}
 *       is an up backup path held in reserve.
 *   <li><b>Schedulers</b> ({@link dev.braid.agent.multipath.SchedulerKind}) choose among the paths
 *       of the best non-empty tier ({@link dev.braid.agent.multipath.Tier}), so backup uplinks
 *       carry traffic only when no non-backup path is up.
 *   <li><b>Reordering</b>: one buffer per key id on the data channel's packet id (ids restart with
 *       each key); in-order packets pass at once. Probes share the packet-id sequence, and each
 *       probe says which of the sender's paths carry tunnel packets, so the receiver gives up a gap
 *       as soon as every path that may carry the missing id has delivered a later one (MLVPN#64),
 *       never waits for a path that carries only probes, and otherwise waits for the paths' one-way
 *       delay spread plus a margin.
 * </ul>
 *
 * <p>Counters are written by the owner thread only; {@code snapshot} returns immutable records for
 * status and metrics.
 */
package dev.braid.agent.multipath;
