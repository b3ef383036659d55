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
 *   *
 *   <li><b>Probes</b> ({@code ProbeCodec}) are data-channel payloads behind a 16-byte magic, sent
 *       on every path every {@code probeInterval}, busy or idle, by both peers. The data channel
 *       authenticates them and its replay window drops replays; on top of that a reply is used only
 *       if it answers a probe this side sent on the same path, not yet answered, and echoes its
 *       timestamp, so a forged or replayed probe cannot change a path's state. A reply carries the
 *       echoed send time, the replier's receive time and hold time, and its receive counters for
 *       the path, from which the prober measures round trip, loss and delivery rate in its own
 *       sending direction (never from the tunnel's global sequence).
 *   <li><b>Path state</b> ({@link dev.braid.agent.multipath.PathState}): probing, up, degraded
 *       (missed probes or lossy), down (silent for the down timeout: 400 ms at the default 100 ms
 *       interval, longer on jittery links), back up after a couple of consecutive answers, with a
 *       flap penalty. The reported state {@code backup} is an up backup path held in reserve.
 *   <li><b>Schedulers</b> ({@link dev.braid.agent.multipath.SchedulerKind}) choose among the paths
 *       of the best non-empty tier ({@link dev.braid.agent.multipath.Tier}), so backup uplinks
 *       carry traffic only when no non-backup path is up.
 *   <li><b>Reordering</b>: one buffer per key id on the data channel's packet id (ids restart with
 *       each key); in-order packets pass at once; a gap is given up as soon as every live path has
 *       delivered a later id, else after the paths' delay spread plus a margin. Probes share the
 *       packet-id sequence, so even an idle path delivers a later id within one probe interval.
 * </ul>
 *
 * <p>Counters are written by the owner thread only; {@code snapshot} returns immutable records for
 * status and metrics.
 */
package dev.braid.agent.multipath;
