package dev.braid.agent.openvpn.multipath;

import dev.braid.agent.multipath.LinkOutput;
import dev.braid.agent.multipath.LinkSnapshot;
import dev.braid.agent.multipath.MultipathConfig;
import dev.braid.agent.multipath.MultipathLink;
import dev.braid.agent.multipath.PathSnapshot;
import dev.braid.agent.multipath.PathSpec;
import dev.braid.agent.multipath.PathState;
import dev.braid.agent.openvpn.data.AeadDataChannel;
import dev.braid.agent.openvpn.wire.Decoded;
import dev.braid.agent.openvpn.wire.DropReason;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The data channel of one multipath session: binds the session's data keys and its paths (of the
 * session's type {@code P}) to a {@link MultipathLink}. Receiving, it opens a DATA_V2 packet, hands
 * probes to the link and tunnel payloads to the reorder buffer, counts a second copy of a packet as
 * a duplicate, and delivers payloads in packet-id order through {@link Wire#deliver}. Sending, it
 * asks the scheduler for paths, seals the payload once and puts the same ciphertext on each chosen
 * path (so the receiver's replay window knows the copies). Probes go out sealed with the key the
 * caller passes as the sending key.
 *
 * <p>A hub's channel learns paths: an authenticated, fresh packet from a path it does not know adds
 * it ({@link PathSpec#learned}) unless the session has {@link MultipathConfig#maxPaths} already. A
 * site's channel knows its uplinks ({@link #addPath}) and learns nothing. Sans I/O, not
 * thread-safe: the session's owner thread calls everything.
 *
 * @param <P> the session's path type; {@code equals} must identify a path
 */
public final class MultipathChannel<P> {
  /** Where the channel's output goes; called on the owner thread during the channel's methods. */
  public interface Wire<P> {
    /** Send a sealed DATA_V2 packet on {@code path}. */
    void send(P path, byte[] datagram);

    /** A received payload, in packet-id order (except packets released after their gap). */
    void deliver(Received<P> received);

    /** A wire of two functions, typically bound to the caller's output of the current call. */
    static <P> Wire<P> of(BiConsumer<P, byte[]> send, Consumer<Received<P>> deliver) {
      return new Wire<>() {
        @Override
        public void send(P path, byte[] datagram) {
          send.accept(path, datagram);
        }

        @Override
        public void deliver(Received<P> received) {
          deliver.accept(received);
        }
      };
    }
  }

  /**
   * A decrypted, authenticated payload.
   *
   * @param opened the plaintext, its kind and packet id
   * @param path the path it arrived on
   * @param keyId the data key it was sealed with
   */
  public record Received<P>(AeadDataChannel.Opened opened, P path, int keyId) {}

  /**
   * The link's snapshot with the session path behind each path id.
   *
   * @param link every path's state and every counter
   * @param paths the session's path for each path id in {@code link}
   */
  public record Snapshot<P>(LinkSnapshot link, Map<Integer, P> paths) {
    public Snapshot {
      paths = Map.copyOf(paths);
    }
  }

  private final MultipathLink<Received<P>> link;
  private final boolean learnPaths;
  private final Map<P, Integer> ids = new HashMap<>();
  private final Map<Integer, P> byId = new HashMap<>();
  private final Output output = new Output();
  private final long evictionSpacingNanos;
  private long lastEvictionNanos;

  /**
   * @param learnPaths add a path for every new address pair an authenticated packet arrives from
   *     (the hub side); false on the site side, whose paths are its uplinks
   */
  public MultipathChannel(MultipathConfig config, boolean learnPaths, long nowNanos) {
    this.link = new MultipathLink<>(config, nowNanos);
    this.learnPaths = learnPaths;
    this.evictionSpacingNanos = config.probeInterval().toNanos();
    this.lastEvictionNanos = nowNanos - evictionSpacingNanos;
  }

  /**
   * Adds one of our own paths (a site's uplink towards the hub endpoint); returns its id, or {@link
   * MultipathLink#REFUSED} when the session has as many paths as it may. Adding a path already
   * known returns its id.
   */
  public int addPath(P path, PathSpec spec, long nowNanos) {
    Integer known = ids.get(path);
    if (known != null) {
      return known;
    }
    int id = link.addPath(spec, nowNanos);
    if (id != MultipathLink.REFUSED) {
      ids.put(path, id);
      byId.put(id, path);
    }
    return id;
  }

  /** Removes a path (its uplink or address went away); no-op for an unknown one. */
  public void removePath(P path) {
    Integer id = ids.remove(path);
    if (id != null) {
      byId.remove(id);
      link.removePath(id);
    }
  }

  /** The session's paths by path id. */
  public Map<Integer, P> paths() {
    return Map.copyOf(byId);
  }

  /**
   * Opens one DATA_V2 packet sealed with {@code key} (key id {@code keyId}) that arrived on {@code
   * path}. Returns null when it was authenticated and fresh (it is delivered through {@code wire},
   * now or once the packets before it arrived, or it was a probe), {@link
   * DropReason#MULTIPATH_DUPLICATE} for an authenticated copy of a packet already received (counted
   * on its path, not delivered), else why it was dropped. Only a fresh packet adds a path.
   */
  public DropReason receive(
      AeadDataChannel key,
      int keyId,
      byte[] packet,
      int off,
      int len,
      P path,
      long nowNanos,
      AeadDataChannel sendingKey,
      Wire<P> wire) {
    Decoded<AeadDataChannel.Opened> opened = key.open(packet, off, len, nowNanos);
    output.bind(sendingKey, wire);
    if (!opened.isOk()) {
      if (opened.drop() != DropReason.REPLAY) {
        return opened.drop();
      }
      // open() authenticates before the replay check: this is a genuine copy, not a forgery
      Integer id = ids.get(path);
      if (id != null) {
        link.onDuplicate(
            id,
            keyId,
            AeadDataChannel.packetId(packet, off),
            len - AeadDataChannel.OVERHEAD,
            nowNanos,
            output);
      }
      return DropReason.MULTIPATH_DUPLICATE;
    }
    int id = pathId(path, nowNanos);
    AeadDataChannel.Opened o = opened.value();
    byte[] plain = o.plain();
    if (MultipathLink.isProbe(plain, 0, plain.length)) {
      link.onProbe(id, keyId, o.packetId(), plain, 0, plain.length, nowNanos, output);
    } else {
      link.onData(
          id, keyId, o.packetId(), new Received<>(o, path, keyId), plain.length, nowNanos, output);
    }
    return null;
  }

  /**
   * Sends one payload: seals it once with {@code key} and puts the packet on every path the
   * scheduler picks, or on {@code fallback} while the channel has no path.
   */
  public void send(
      AeadDataChannel key,
      byte[] plain,
      int off,
      int len,
      P fallback,
      long nowNanos,
      Wire<P> wire) {
    output.bind(key, wire);
    long mask = link.pickPaths(len, nowNanos, output);
    byte[] sealed = key.seal(plain, off, len);
    if (mask == 0) {
      wire.send(fallback, sealed);
      return;
    }
    for (long m = mask; m != 0; m &= m - 1) {
      wire.send(byId.get(Long.numberOfTrailingZeros(m)), sealed);
    }
  }

  /** A new data key {@code keyId} was installed: its packet ids restart at 1. */
  public void keyStarted(int keyId, AeadDataChannel sendingKey, Wire<P> wire) {
    output.bind(sendingKey, wire);
    link.keyStarted(keyId, output);
  }

  /**
   * Timers: probes due, path states, reorder gaps timed out. {@code sendingKey} seals the probes;
   * null (no key yet) skips sending them.
   */
  public void poll(AeadDataChannel sendingKey, long nowNanos, Wire<P> wire) {
    output.bind(sendingKey, wire);
    link.poll(nowNanos, output);
  }

  /** When {@link #poll} has work next, on the caller's clock. */
  public long nextDeadlineNanos() {
    return link.nextDeadlineNanos();
  }

  /** Every path's state and every counter, with the session path behind each id. */
  public Snapshot<P> snapshot(long nowNanos) {
    return new Snapshot<>(link.snapshot(nowNanos), new LinkedHashMap<>(byId));
  }

  private int pathId(P path, long nowNanos) {
    Integer id = ids.get(path);
    if (id != null) {
      return id;
    }
    if (!learnPaths) {
      return MultipathLink.REFUSED; // not one of our uplinks: delivered, no path state
    }
    int added = link.addPath(PathSpec.learned(name(path)), nowNanos);
    if (added == MultipathLink.REFUSED && evictDownPath(nowNanos)) {
      added = link.addPath(PathSpec.learned(name(path)), nowNanos);
    }
    if (added != MultipathLink.REFUSED) {
      ids.put(path, added);
      byId.put(added, path);
    }
    return added;
  }

  /**
   * Makes room for a new learned path when the session is full: removes the learned path that has
   * been down longest, if any. A site whose NAT mapping changed sends from a new address while the
   * old one is dead; without this the new path would wait until the old one is forgotten ({@link
   * MultipathConfig#forgetLearnedAfter}). A path that is not down is never evicted, so a flood of
   * new addresses still cannot push out working paths. At most once per probe interval: finding the
   * victim takes a snapshot.
   */
  private boolean evictDownPath(long nowNanos) {
    if (nowNanos - lastEvictionNanos < evictionSpacingNanos) {
      return false;
    }
    lastEvictionNanos = nowNanos;
    PathSnapshot victim = null;
    for (PathSnapshot p : link.snapshot(nowNanos).paths()) {
      if (p.learned()
          && p.state() == PathState.DOWN
          && (victim == null || p.stateSinceNanos() < victim.stateSinceNanos())) {
        victim = p;
      }
    }
    if (victim == null) {
      return false;
    }
    P old = byId.remove(victim.id());
    ids.remove(old);
    link.removePath(victim.id());
    return true; // counted with the link's removed paths
  }

  private static String name(Object path) {
    String s = String.valueOf(path);
    return s.isBlank() ? "path" : s;
  }

  /** The link's output for the duration of one call: seals probes and forwards deliveries. */
  private final class Output implements LinkOutput<Received<P>> {
    private AeadDataChannel key;
    private Wire<P> wire;

    void bind(AeadDataChannel sendingKey, Wire<P> to) {
      key = sendingKey;
      wire = to;
    }

    @Override
    public void sendProbe(int pathId, byte[] payload, int off, int len) {
      P path = byId.get(pathId);
      if (key != null && path != null) {
        wire.send(path, key.seal(payload, off, len));
      }
    }

    @Override
    public void deliver(Received<P> payload) {
      wire.deliver(payload);
    }

    @Override
    public void pathRemoved(int pathId) {
      P path = byId.remove(pathId);
      if (path != null) {
        ids.remove(path);
      }
    }
  }
}
