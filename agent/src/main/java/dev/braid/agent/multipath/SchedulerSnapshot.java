package dev.braid.agent.multipath;

/**
 * The scheduler's counters at snapshot time.
 *
 * @param kind the scheduler
 * @param tier which class of paths it is using
 * @param packets tunnel packets scheduled
 * @param bytes their bytes
 * @param duplicatesSent extra copies sent (redundant)
 * @param failovers times a path carrying traffic failed (down or degraded) and others took over
 * @param backupActivations times traffic moved from non-backup to backup paths
 * @param sentWithoutUpPath packets sent while no path was up (degraded, probing or down tier)
 * @param overcommitted packets sent while every path's modeled queue was long (weighted)
 * @param carrying the paths (bit i = path id i) that carried tunnel packets recently, as last
 *     announced to the peer
 * @param announcements times that set changed and probes on every path told the peer
 */
public record SchedulerSnapshot(
    SchedulerKind kind,
    Tier tier,
    long packets,
    long bytes,
    long duplicatesSent,
    long failovers,
    long backupActivations,
    long sentWithoutUpPath,
    long overcommitted,
    long carrying,
    long announcements) {}
