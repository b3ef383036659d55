package dev.braid.agent.openvpn.reliable;

/**
 * What a sender did, for status and tests. Single-writer (the session's loop thread); other threads
 * read a {@link #copy()} that the loop publishes.
 */
public final class SenderCounters {
  long sentNew;
  long resentTimeout;
  long resentFast;
  long resentBlocked;
  long duplicateAcks;
  long staleAcks;

  void count(SendReason reason) {
    switch (reason) {
      case NEW -> sentNew++;
      case TIMEOUT -> resentTimeout++;
      case FAST -> resentFast++;
      case BLOCKED -> resentBlocked++;
    }
  }

  public long sentNew() {
    return sentNew;
  }

  public long resentTimeout() {
    return resentTimeout;
  }

  public long resentFast() {
    return resentFast;
  }

  public long resentBlocked() {
    return resentBlocked;
  }

  public long duplicateAcks() {
    return duplicateAcks;
  }

  public long staleAcks() {
    return staleAcks;
  }

  /** Retransmissions for any reason. */
  public long retransmits() {
    return resentTimeout + resentFast + resentBlocked;
  }

  /** A copy, for publishing to other threads. */
  public SenderCounters copy() {
    SenderCounters c = new SenderCounters();
    c.sentNew = sentNew;
    c.resentTimeout = resentTimeout;
    c.resentFast = resentFast;
    c.resentBlocked = resentBlocked;
    c.duplicateAcks = duplicateAcks;
    c.staleAcks = staleAcks;
    return c;
  }

  /** Adds {@code other}'s counts to this one (summing loops for status). */
  public void add(SenderCounters other) {
    sentNew += other.sentNew;
    resentTimeout += other.resentTimeout;
    resentFast += other.resentFast;
    resentBlocked += other.resentBlocked;
    duplicateAcks += other.duplicateAcks;
    staleAcks += other.staleAcks;
  }

  @Override
  public String toString() {
    return "new=%d timeout=%d fast=%d blocked=%d dupAck=%d staleAck=%d"
        .formatted(sentNew, resentTimeout, resentFast, resentBlocked, duplicateAcks, staleAcks);
  }
}
