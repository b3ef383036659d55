package dev.braid.agent.engine;

import dev.braid.agent.nativeio.ReuseportSteering;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The one structure all workers share: sessions by peer-id. Peer-ids are handed out so that the
 * reuseport steering program sends a session's DATA_V2 packets to the worker that owns it ({@code
 * peerId mod workers == owner}).
 *
 * @param <S> the protocol layer's session type
 */
public final class SessionTable<S> {
  /** OpenVPN uses 0xFFFFFF for "no peer-id", so the largest usable one is one less. */
  public static final int MAX_PEER_ID = 0xFFFFFE;

  private final int workers;
  private final ConcurrentMap<Integer, S> byPeerId = new ConcurrentHashMap<>();
  private final AtomicIntegerArray nextRound;

  public SessionTable(int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be positive: " + workers);
    }
    this.workers = workers;
    this.nextRound = new AtomicIntegerArray(workers);
  }

  public int workers() {
    return workers;
  }

  /**
   * Registers {@code session} under a fresh peer-id owned by {@code worker}; throws when that
   * worker has no free peer-id left.
   */
  public int register(int worker, S session) {
    if (worker < 0 || worker >= workers) {
      throw new IllegalArgumentException("worker " + worker + " of " + workers);
    }
    int rounds = MAX_PEER_ID / workers + 1;
    for (int attempt = 0; attempt < rounds; attempt++) {
      int round = Math.floorMod(nextRound.getAndIncrement(worker), rounds);
      int peerId = round * workers + worker;
      if (peerId <= MAX_PEER_ID && byPeerId.putIfAbsent(peerId, session) == null) {
        return peerId;
      }
    }
    throw new IllegalStateException("no free peer-id for worker " + worker);
  }

  public Optional<S> get(int peerId) {
    return Optional.ofNullable(byPeerId.get(peerId));
  }

  /** Removes {@code peerId} if it still maps to {@code session}. */
  public boolean remove(int peerId, S session) {
    return byPeerId.remove(peerId, session);
  }

  /** The worker that owns {@code peerId}, matching the steering program. */
  public int ownerOf(int peerId) {
    return ReuseportSteering.workerForPeerId(peerId, workers);
  }

  public int size() {
    return byPeerId.size();
  }
}
