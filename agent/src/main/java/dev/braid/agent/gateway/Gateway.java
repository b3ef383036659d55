package dev.braid.agent.gateway;

import dev.braid.agent.engine.DatagramHandler;
import dev.braid.agent.engine.Engine;
import dev.braid.agent.engine.LoopTimer;
import dev.braid.agent.engine.Loops;
import dev.braid.agent.engine.Path;
import dev.braid.agent.engine.SessionTable;
import dev.braid.agent.engine.TunHandler;
import dev.braid.agent.openvpn.push.AddressPool;
import dev.braid.agent.openvpn.reliable.SenderCounters;
import dev.braid.agent.openvpn.session.ServerConfig;
import dev.braid.agent.openvpn.session.ServerSessions;
import dev.braid.agent.openvpn.tlswrap.ResetCookie;
import dev.braid.agent.openvpn.tlswrap.ResetRateLimiter;
import dev.braid.agent.openvpn.wire.DropReason;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The OpenVPN server on the engine's loops: N UDP workers and, with TCP, the TCP loop. Pass it to
 * {@link dev.braid.agent.engine.Engine#start} as the handlers, then {@link #attach} the started
 * engine (or any {@link Loops}) so that loops can wake each other for hand-offs. Readable from any
 * thread through {@link #sessions()} and {@link #protocolDrops()} without stopping the loops.
 * {@link #apply} swaps the protocol settings while running: each loop picks them up on its own
 * thread (new sessions and renegotiations use them, established sessions keep their keys).
 */
public final class Gateway implements Engine.Handlers {
  /** Packets one loop may queue for another before it drops (and counts) them. */
  static final int HANDOFF_CAPACITY = 4096;

  private static final long COOKIE_SLOT_NANOS = Duration.ofSeconds(30).toNanos();

  private final SessionTable<Integer> peerIds;
  private final ConcurrentMap<TunnelAddress, Route> routes = new ConcurrentHashMap<>();
  private final DuplicateClients duplicates = new DuplicateClients();
  private final List<LoopGateway> loops = new ArrayList<>();
  private volatile ServerConfig config;
  private volatile ServerConfig tcpConfig;
  private final AddressPool pool;
  private final byte[] cookieKey = new byte[32];
  private volatile Loops engine;

  /**
   * @param config the server's protocol settings
   * @param pool tunnel addresses, shared by all loops
   * @param workerCount the engine's worker count
   * @param tcp whether the engine runs the TCP loop (index {@code workerCount})
   */
  public Gateway(ServerConfig config, AddressPool pool, int workerCount, boolean tcp) {
    this.peerIds = new SessionTable<>(workerCount);
    this.config = config;
    this.tcpConfig = forTcp(config);
    this.pool = pool;
    new SecureRandom().nextBytes(cookieKey);
    for (int w = 0; w < workerCount; w++) {
      int worker = w;
      // Every worker verifies cookies with the same key: a client's reset and its next packet
      // may reach different workers before its session exists.
      ServerSessions<Path> sessions =
          sessions(
              () -> this.config,
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
      loops.add(new LoopGateway(w, "UDP", "worker " + w, this, sessions, HANDOFF_CAPACITY));
    }
    if (tcp) {
      ServerSessions<Path> sessions =
          sessions(() -> tcpConfig, ServerSessions.PeerIds.sequential());
      loops.add(new LoopGateway(workerCount, "TCP", "tcp", this, sessions, HANDOFF_CAPACITY));
    }
  }

  private ServerSessions<Path> sessions(
      Supplier<ServerConfig> settings, ServerSessions.PeerIds peerIds) {
    return new ServerSessions<>(
        settings,
        new ResetCookie(cookieKey, COOKIE_SLOT_NANOS),
        new ResetRateLimiter(50, 20),
        pool,
        Gateway::peerAddress,
        peerIds);
  }

  /** Lets loops wake each other through the engine; call once it has started. */
  public void attach(Loops engine) {
    if (engine.workerCount() != workerCount()) {
      throw new IllegalArgumentException(
          "engine has " + engine.workerCount() + " workers, gateway " + workerCount());
    }
    this.engine = engine;
  }

  /**
   * Makes {@code next} the settings of every loop (any thread): new sessions and renegotiations use
   * it, a changed CRL sends sessions with revoked certificates away. Pools and sockets stay as they
   * are; the caller refuses changes to those.
   */
  public void apply(ServerConfig next) {
    apply(next, null);
  }

  /**
   * Like {@link #apply(ServerConfig)}, and first replaces the pool's fixed client addresses (by
   * certificate common name) unless {@code fixedAddresses} is null. A bad map changes nothing.
   *
   * @throws IllegalArgumentException naming the entry that is not a client address of the pool or
   *     repeats another's address
   */
  public void apply(ServerConfig next, Map<String, String> fixedAddresses) {
    if (fixedAddresses != null) {
      pool.fix(fixedAddresses);
    }
    tcpConfig = forTcp(next);
    config = next;
    wakeAll(); // each loop adopts it on its own thread, also when idle
  }

  /** The settings new sessions get now. */
  public ServerConfig config() {
    return config;
  }

  /** Sessions sent away because their certificate was revoked, over all loops, since start. */
  public long revokedSessions() {
    return published().stream().mapToLong(Publisher.Published::revoked).sum();
  }

  private static ServerConfig forTcp(ServerConfig c) {
    // TCP delivers every byte once: redundant ACK and message copies would only add bytes, and
    // a client message is never lost, only late, so nudging for it would only cause resends. A
    // pushed rcvbuf would switch off the client's TCP receive-buffer autotuning.
    return c.withReliable(c.reliable().withoutRedundancy().withoutNudges())
        .withClientReceiveBuffer(0);
  }

  @Override
  public DatagramHandler datagramHandler(int loop) {
    return loops.get(loop);
  }

  @Override
  public TunHandler tunHandler(int loop) {
    return loops.get(loop);
  }

  @Override
  public LoopTimer timer(int loop) {
    return loops.get(loop);
  }

  /** Every loop's sessions as last published (at most a second old). */
  public List<SessionView> sessions() {
    List<SessionView> all = new ArrayList<>();
    for (Publisher.Published p : published()) {
      all.addAll(p.sessions());
    }
    return all;
  }

  private List<Publisher.Published> published() {
    List<Publisher.Published> all = new ArrayList<>();
    for (LoopGateway loop : loops) {
      all.add(loop.published());
    }
    return all;
  }

  /** Protocol-level drops (bad tls-crypt tag, replay, unknown peer-id, ...) over all workers. */
  public Map<String, Long> protocolDrops() {
    Map<String, Long> all = new TreeMap<>();
    for (Publisher.Published p : published()) {
      for (Map.Entry<DropReason, Long> e : p.drops().entrySet()) {
        all.merge(e.getKey().name(), e.getValue(), Long::sum);
      }
    }
    return all;
  }

  /** Control-channel send and resend counts of every loop since start. */
  public SenderCounters controlCounters() {
    SenderCounters all = new SenderCounters();
    published().forEach(p -> all.add(p.control()));
    return all;
  }

  /** Completed data-key renegotiations since start, started by the server or by clients. */
  public long renegotiations(boolean byServer) {
    return published().stream()
        .mapToLong(p -> byServer ? p.serverRenegotiations() : p.clientRenegotiations())
        .sum();
  }

  /** Sessions that reached ESTABLISHED since start. */
  public long handshakes() {
    return published().stream().mapToLong(Publisher.Published::handshakes).sum();
  }

  /** The port the loops listen on, once {@link #attach attached}; else 0. */
  int port() {
    Loops e = engine;
    return e == null ? 0 : e.port();
  }

  int workerCount() {
    return peerIds.workers();
  }

  /** The hand-off queue of loop {@code owner} (a worker, or the TCP loop at the worker count). */
  HandoffQueue<Handed> handoffTo(int owner) {
    return loops.get(owner).handoff();
  }

  /**
   * OpenVPN's {@code duplicate-cn}: whether sessions may share a client common name; when not, a
   * client that connects again replaces its older session. Applies to sessions established from now
   * on.
   */
  public void allowDuplicateCommonNames(boolean allowed) {
    duplicates.allow(allowed);
  }

  DuplicateClients duplicates() {
    return duplicates;
  }

  /** Wakes every loop (workers and the TCP loop) for something each must do on its own thread. */
  void wakeAll() {
    for (int loop = 0; loop < loops.size(); loop++) {
      wake(loop);
    }
  }

  ConcurrentMap<TunnelAddress, Route> routes() {
    return routes;
  }

  /**
   * Wakes loop {@code loop} (a worker, or the TCP loop at the worker count) to drain its hand-off
   * queue; a loop woken before {@link #attach} drains on its next turn.
   */
  void wake(int loop) {
    Loops e = engine;
    if (e != null) {
      e.wake(loop);
    }
  }

  /** The remote address and port of a path, UDP or TCP (reset-cookie input). */
  static byte[] peerAddress(Path path) {
    return socketAddress(path.remote());
  }

  private static byte[] socketAddress(InetSocketAddress a) {
    byte[] ip = a.getAddress().getAddress();
    byte[] out = new byte[ip.length + 2];
    System.arraycopy(ip, 0, out, 0, ip.length);
    out[ip.length] = (byte) (a.getPort() >>> 8);
    out[ip.length + 1] = (byte) a.getPort();
    return out;
  }
}
