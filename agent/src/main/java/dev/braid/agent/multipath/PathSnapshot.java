package dev.braid.agent.multipath;

/**
 * One path as the owner saw it at snapshot time; immutable, safe to hand to other threads. Times
 * are on the owner's monotonic clock ({@link Long#MIN_VALUE}: never); rates in bytes per second;
 * round trips -1 before the first answer.
 *
 * @param id the path id the session uses
 * @param name the label given when the path was added
 * @param uplinkId the uplink's index (announced by the peer for learned paths)
 * @param weight the weighted scheduler's preference
 * @param backup used only when no non-backup path is up
 * @param learned opened by the peer (hub side)
 * @param state what the path is good for now
 * @param cause why
 * @param stateSinceNanos when it entered that state
 * @param srttNanos smoothed round trip
 * @param rttvarNanos round-trip variation
 * @param minRttNanos smallest recent round trip
 * @param loss fraction lost in the sending direction, 0..1
 * @param rate estimated capacity in the sending direction
 * @param deliveryRate what the peer received over the last probe span
 * @param rateCuts times the estimate was cut because a queue built up
 * @param txPackets packets sent (data, probes, replies)
 * @param txBytes payload bytes sent
 * @param dataPackets tunnel packets the scheduler put on this path
 * @param dataBytes their bytes
 * @param rxPackets authenticated packets received (duplicates included)
 * @param rxBytes their payload bytes
 * @param probesSent our probes
 * @param probesAnswered our probes answered
 * @param probesReceived the peer's probes
 * @param repliesSent our replies to them
 * @param duplicatesReceived copies of packets already received (redundant sending)
 * @param lastProbeSentNanos when we last probed
 * @param lastAnswerNanos when a probe was last answered
 * @param downs times the path went down
 */
public record PathSnapshot(
    int id,
    String name,
    int uplinkId,
    int weight,
    boolean backup,
    boolean learned,
    PathState state,
    StateCause cause,
    long stateSinceNanos,
    long srttNanos,
    long rttvarNanos,
    long minRttNanos,
    double loss,
    long rate,
    long deliveryRate,
    long rateCuts,
    long txPackets,
    long txBytes,
    long dataPackets,
    long dataBytes,
    long rxPackets,
    long rxBytes,
    long probesSent,
    long probesAnswered,
    long probesReceived,
    long repliesSent,
    long duplicatesReceived,
    long lastProbeSentNanos,
    long lastAnswerNanos,
    long downs) {}
