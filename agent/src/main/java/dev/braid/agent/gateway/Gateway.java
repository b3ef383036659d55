package dev.braid.agent.gateway;

import dev.braid.agent.engine.DatagramHandler;
import dev.braid.agent.engine.Engine;
import dev.braid.agent.engine.Path;
import dev.braid.agent.engine.SessionTable;
import dev.braid.agent.engine.TunHandler;
import dev.braid.agent.engine.WorkerTimer;
import dev.braid.agent.nativeio.NativeIoException;
import dev.braid.agent.openvpn.push.AddressPool;
import dev.braid.agent.openvpn.session.ServerConfig;
import dev.braid.agent.openvpn.session.ServerSessions;
import dev.braid.agent.openvpn.tlswrap.ResetCookie;
import dev.braid.agent.openvpn.tlswrap.ResetRateLimiter;
import dev.braid.agent.openvpn.wire.DropReason;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The OpenVPN server on N engine workers; pass it to {@link Engine#start} as the handlers, then
 * {@link #attach} the started engine so that workers can wake each other for hand-offs. Readable
 * from any thread through {@link #sessions()} and {@link #protocolDrops()} without stopping the
 * workers.
 */
public final class Gateway implements Engine.Handlers {
  /** Packets one worker may queue for another before it drops (and counts) them. */
  static final int HANDOFF_CAPACITY = 4096;

  private static final long COOKIE_SLOT_NANOS = Duration.ofSeconds(30).toNanos();

  private final SessionTable<Integer> peerIds;
  private final ConcurrentMap<TunnelAddress, Integer> routes = new ConcurrentHashMap<>();
  private final List<WorkerGateway> workers = new ArrayList<>();
  private volatile Engine engine;

  /**
   * @param config the server's protocol settings
   * @param pool tunnel addresses, shared by all workers
   * @param workerCount the engine's worker count
   */
  public Gateway(ServerConfig config, AddressPool pool, int workerCount) {
    this.peerIds = new SessionTable<>(workerCount);
    byte[] cookieKey = new byte[32];
    new SecureRandom().nextBytes(cookieKey);
    for (int w = 0; w < workerCount; w++) {
      int worker = w;
      // Every worker verifies cookies with the same key: a client's reset and its next packet
      // may reach different workers before its session exists.
      ServerSessions<Path> sessions =
          new ServerSessions<>(
              config,
              new ResetCookie(cookieKey, COOKIE_SLOT_NANOS),
              new ResetRateLimiter(50, 20),
              pool,
              Gateway::peerAddress,
              new ServerSessions.PeerIds() {
                @Override
                public int allocate() {
                  try {
                    return peerIds.register(worker, worker);
                  } catch (IllegalStateException full) {
                    return -1;
                  }
                }

                @Override
                public void release(int peerId) {
                  peerIds.remove(peerId, worker);
                }
              });
      workers.add(new WorkerGateway(w, this, sessions, HANDOFF_CAPACITY));
    }
  }

  /** Lets workers wake each other through the engine; call once it has started. */
  public void attach(Engine engine) {
    if (engine.workerCount() != workers.size()) {
      throw new IllegalArgumentException(
          "engine has " + engine.workerCount() + " workers, gateway " + workers.size());
    }
    this.engine = engine;
  }

  @Override
  public DatagramHandler datagramHandler(int worker) {
    return workers.get(worker);
  }

  @Override
  public TunHandler tunHandler(int worker) {
    return workers.get(worker);
  }

  @Override
  public WorkerTimer timer(int worker) {
    return workers.get(worker);
  }

  /** Every worker's sessions as last published (at most a second old). */
  public List<SessionView> sessions() {
    List<SessionView> all = new ArrayList<>();
    for (WorkerGateway w : workers) {
      all.addAll(w.published().sessions());
    }
    return all;
  }

  /** Protocol-level drops (bad tls-crypt tag, replay, unknown peer-id, ...) over all workers. */
  public Map<String, Long> protocolDrops() {
    Map<String, Long> all = new TreeMap<>();
    for (WorkerGateway w : workers) {
      for (Map.Entry<DropReason, Long> e : w.published().drops().entrySet()) {
        all.merge(e.getKey().name(), e.getValue(), Long::sum);
      }
    }
    return all;
  }

  /** Sessions that reached ESTABLISHED since start. */
  public long handshakes() {
    return workers.stream().mapToLong(w -> w.published().handshakes()).sum();
  }

  int workerCount() {
    return peerIds.workers();
  }

  WorkerGateway worker(int index) {
    return workers.get(index);
  }

  ConcurrentMap<TunnelAddress, Integer> routes() {
    return routes;
  }

  int ownerOf(int peerId) {
    return peerIds.ownerOf(peerId);
  }

  /**
   * Wakes worker {@code w} to drain its hand-off queue; before attach it drains on its next turn.
   */
  void wake(int w) {
    Engine e = engine;
    if (e == null) {
      return;
    }
    try {
      e.wake(w);
    } catch (NativeIoException ex) {
      throw new IllegalStateException("waking worker " + w + ": " + ex.getMessage(), ex);
    }
  }

  /** The remote address and port of a path (reset-cookie input). */
  static byte[] peerAddress(Path path) {
    byte[] ip = path.remote().getAddress().getAddress();
    byte[] out = new byte[ip.length + 2];
    System.arraycopy(ip, 0, out, 0, ip.length);
    out[ip.length] = (byte) (path.remote().getPort() >>> 8);
    out[ip.length + 1] = (byte) path.remote().getPort();
    return out;
  }
}
