package dev.braid.agent.openvpn.reliable;

/** What a sender did, for status and tests. Single-writer (the session's worker). */
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

  @Override
  public String toString() {
    return "new=%d timeout=%d fast=%d blocked=%d dupAck=%d staleAck=%d"
        .formatted(sentNew, resentTimeout, resentFast, resentBlocked, duplicateAcks, staleAcks);
  }
}
