package dev.braid.agent.openvpn.reliable;

import java.time.Duration;

/**
 * Tuning of the reliable layer. {@link #braid()} is what the gateway runs; {@link #upstream26()}
 * and {@link #upstream25()} reproduce OpenVPN's own behaviour and exist so tests can measure the
 * difference on the same loss pattern.
 *
 * @param sendWindow how far the newest sent id may run ahead of the oldest unacknowledged one
 * @param receiveWindow how far ahead of the next expected id a packet is still buffered
 * @param maxAcksPerPacket ACK ids written into one packet (piggy-backed or in a dedicated ACK
 *     packet)
 * @param fastRetransmitAcks later ids acknowledged before an unacknowledged packet is resent; 0 =
 *     off
 * @param reAckRecent fill spare ACK slots with the most recently acknowledged ids (the MRU list)
 * @param resendWhenBlocked resend the oldest packet as soon as it alone blocks the send window
 * @param adaptiveTimeout retransmit timeout from measured round trips (RFC 6298) rather than fixed
 * @param ackDuplicatesWithoutBuffer re-acknowledge duplicates even when no receive buffer is free
 * @param initialTimeout timeout before the first round-trip sample (fixed timeout when not
 *     adaptive)
 * @param minTimeout lower bound of the adaptive timeout
 * @param maxTimeout upper bound of the timeout after exponential backoff
 * @param ackCopies times each dedicated ACK packet is sent (1 = once, as upstream)
 * @param lossCopies times each message is sent once this endpoint has seen loss (1 = once)
 * @param nudgePeer while a message from the peer is overdue, send it ACK packets that make a 2.6
 *     peer's fast retransmit resend what it has unacknowledged (see {@link ReliableEndpoint})
 */
public record ReliableConfig(
    int sendWindow,
    int receiveWindow,
    int maxAcksPerPacket,
    int fastRetransmitAcks,
    boolean reAckRecent,
    boolean resendWhenBlocked,
    boolean adaptiveTimeout,
    boolean ackDuplicatesWithoutBuffer,
    Duration initialTimeout,
    Duration minTimeout,
    Duration maxTimeout,
    int ackCopies,
    int lossCopies,
    boolean nudgePeer) {

  /**
   * Ids kept for re-acknowledgement, and the most ACK ids accepted in one packet (upstream's
   * limit).
   */
  public static final int MAX_ACKS_ACCEPTED = 8;

  /** Most copies of one packet: redundancy beyond this only adds load. */
  public static final int MAX_COPIES = 4;

  public ReliableConfig {
    if (sendWindow < 1 || receiveWindow < sendWindow) {
      throw new IllegalArgumentException(
          "windows: send " + sendWindow + " must be >= 1 and <= receive " + receiveWindow);
    }
    if (maxAcksPerPacket < 1 || maxAcksPerPacket > MAX_ACKS_ACCEPTED) {
      throw new IllegalArgumentException("maxAcksPerPacket must be 1..8: " + maxAcksPerPacket);
    }
    if (ackCopies < 1 || ackCopies > MAX_COPIES || lossCopies < 1 || lossCopies > MAX_COPIES) {
      throw new IllegalArgumentException(
          "copies must be 1.." + MAX_COPIES + ": ack " + ackCopies + " loss " + lossCopies);
    }
    if (minTimeout.compareTo(maxTimeout) > 0 || initialTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "timeouts: min " + minTimeout + " max " + maxTimeout + " initial " + initialTimeout);
    }
  }

  /**
   * Braid's behaviour. The backoff cap is low (3 s) because control messages are few and small and
   * a handshake has 60 s to finish: after several losses in a row, probing again soon costs little.
   * Four ACKs per packet because some peers (SoftEther) reject dedicated ACK packets with more;
   * windows as in OpenVPN 2.6 so that a 2.6 peer never sees more in flight than it buffers.
   *
   * <p>Redundancy, because the peer is usually a stock client whose only repair is its own 2 s
   * timer (doubling): it learns of delivery only from our ACKs, so each dedicated ACK goes out
   * three times (a 30%-loss path then loses all copies 2.7% of the time instead of 30%), and three
   * copies of a later id also count three times towards a 2.6 peer's fast retransmit ({@code
   * N_ACK_RETRANSMIT} counts every ACK occurrence), so a really lost packet is resent at once
   * instead of after its timer. Once loss has been seen, our own messages go out twice so the peer
   * rarely waits for our retransmit timer either. Nudges cover the peer's losses that its own
   * doubling timer would otherwise repair (2 s, 4 s, 8 s...).
   */
  public static ReliableConfig braid() {
    return upstream26().toBuilder()
        .resendWhenBlocked(true)
        .adaptiveTimeout(true)
        .ackDuplicatesWithoutBuffer(true)
        .initialTimeout(Duration.ofSeconds(1))
        .minTimeout(Duration.ofMillis(200))
        .maxTimeout(Duration.ofSeconds(3))
        .ackCopies(3)
        .lossCopies(2)
        .nudgePeer(true)
        .build();
  }

  /**
   * OpenVPN 2.6: fixed 2 s timeout doubling without bound, fast retransmit, MRU re-ACKs. Tests
   * only.
   */
  public static ReliableConfig upstream26() {
    return builder()
        .sendWindow(6)
        .receiveWindow(12)
        .maxAcksPerPacket(4)
        .fastRetransmitAcks(3)
        .reAckRecent(true)
        .resendWhenBlocked(false)
        .adaptiveTimeout(false)
        .ackDuplicatesWithoutBuffer(false)
        .initialTimeout(Duration.ofSeconds(2))
        .minTimeout(Duration.ofSeconds(2))
        .maxTimeout(Duration.ofDays(1))
        .ackCopies(1)
        .lossCopies(1)
        .nudgePeer(false)
        .build();
  }

  /**
   * OpenVPN 2.5, the version in seed 000: window 4/8, no fast retransmit, no re-ACKs. Tests only.
   */
  public static ReliableConfig upstream25() {
    return upstream26().toBuilder()
        .sendWindow(4)
        .receiveWindow(8)
        .fastRetransmitAcks(0)
        .reAckRecent(false)
        .build();
  }

  /**
   * This configuration with every packet sent once: the behaviour before redundancy, for tests, and
   * the right choice over TCP, where the stream already repairs loss and copies only add bytes.
   */
  public ReliableConfig withoutRedundancy() {
    return withCopies(1, 1);
  }

  /** This configuration with other ACK and loss-mode copy counts. */
  public ReliableConfig withCopies(int ackCopies, int lossCopies) {
    return with(ackCopies, lossCopies, nudgePeer);
  }

  /** This configuration without nudges: the peer's messages wait for the peer's own timers. */
  public ReliableConfig withoutNudges() {
    return with(ackCopies, lossCopies, false);
  }

  private ReliableConfig with(int ackCopies, int lossCopies, boolean nudgePeer) {
    return toBuilder().ackCopies(ackCopies).lossCopies(lossCopies).nudgePeer(nudgePeer).build();
  }

  /** A builder with nothing set; the factories above start from one. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values, to change some by name. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Named construction of a {@link ReliableConfig}; starts from the values it was made from. */
  public static final class Builder {
    private int sendWindow;
    private int receiveWindow;
    private int maxAcksPerPacket;
    private int fastRetransmitAcks;
    private boolean reAckRecent;
    private boolean resendWhenBlocked;
    private boolean adaptiveTimeout;
    private boolean ackDuplicatesWithoutBuffer;
    private Duration initialTimeout;
    private Duration minTimeout;
    private Duration maxTimeout;
    private int ackCopies;
    private int lossCopies;
    private boolean nudgePeer;

    private Builder() {}

    private Builder(ReliableConfig from) {
      sendWindow = from.sendWindow;
      receiveWindow = from.receiveWindow;
      maxAcksPerPacket = from.maxAcksPerPacket;
      fastRetransmitAcks = from.fastRetransmitAcks;
      reAckRecent = from.reAckRecent;
      resendWhenBlocked = from.resendWhenBlocked;
      adaptiveTimeout = from.adaptiveTimeout;
      ackDuplicatesWithoutBuffer = from.ackDuplicatesWithoutBuffer;
      initialTimeout = from.initialTimeout;
      minTimeout = from.minTimeout;
      maxTimeout = from.maxTimeout;
      ackCopies = from.ackCopies;
      lossCopies = from.lossCopies;
      nudgePeer = from.nudgePeer;
    }

    public Builder sendWindow(int value) {
      sendWindow = value;
      return this;
    }

    public Builder receiveWindow(int value) {
      receiveWindow = value;
      return this;
    }

    public Builder maxAcksPerPacket(int value) {
      maxAcksPerPacket = value;
      return this;
    }

    public Builder fastRetransmitAcks(int value) {
      fastRetransmitAcks = value;
      return this;
    }

    public Builder reAckRecent(boolean value) {
      reAckRecent = value;
      return this;
    }

    public Builder resendWhenBlocked(boolean value) {
      resendWhenBlocked = value;
      return this;
    }

    public Builder adaptiveTimeout(boolean value) {
      adaptiveTimeout = value;
      return this;
    }

    public Builder ackDuplicatesWithoutBuffer(boolean value) {
      ackDuplicatesWithoutBuffer = value;
      return this;
    }

    public Builder initialTimeout(Duration value) {
      initialTimeout = value;
      return this;
    }

    public Builder minTimeout(Duration value) {
      minTimeout = value;
      return this;
    }

    public Builder maxTimeout(Duration value) {
      maxTimeout = value;
      return this;
    }

    public Builder ackCopies(int value) {
      ackCopies = value;
      return this;
    }

    public Builder lossCopies(int value) {
      lossCopies = value;
      return this;
    }

    public Builder nudgePeer(boolean value) {
      nudgePeer = value;
      return this;
    }

    public ReliableConfig build() {
      return new ReliableConfig(
          sendWindow,
          receiveWindow,
          maxAcksPerPacket,
          fastRetransmitAcks,
          reAckRecent,
          resendWhenBlocked,
          adaptiveTimeout,
          ackDuplicatesWithoutBuffer,
          initialTimeout,
          minTimeout,
          maxTimeout,
          ackCopies,
          lossCopies,
          nudgePeer);
    }
  }
}
