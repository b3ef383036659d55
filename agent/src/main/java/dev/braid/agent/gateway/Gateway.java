package dev.braid.agent.gateway;

import dev.braid.agent.engine.CounterSnapshot;
import dev.braid.agent.engine.DatagramHandler;
import dev.braid.agent.engine.Engine;
import dev.braid.agent.engine.Path;
import dev.braid.agent.engine.SessionTable;
import dev.braid.agent.engine.TunHandler;
import dev.braid.agent.engine.WorkerTimer;
import dev.braid.agent.nativeio.NativeIoException;
import dev.braid.agent.nativeio.TcpListener;
import dev.braid.agent.openvpn.push.AddressPool;
import dev.braid.agent.openvpn.reliable.SenderCounters;
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
 * workers. {@link #apply} swaps the protocol settings while running: each loop picks them up on its
 * own thread (new sessions and renegotiations use them, established sessions keep their keys).
 */
public final class Gateway implements Engine.Handlers {
  /** Packets one worker may queue for another before it drops (and counts) them. */
  static final int HANDOFF_CAPACITY = 4096;

  private static final long COOKIE_SLOT_NANOS = Duration.ofSeconds(30).toNanos();

  private final SessionTable<Integer> peerIds;
  private final ConcurrentMap<TunnelAddress, Route> routes = new ConcurrentHashMap<>();
  private final DuplicateClients duplicates = new DuplicateClients();
  private final List<WorkerGateway> workers = new ArrayList<>();
  private volatile ServerConfig config;
  private volatile ServerConfig tcpConfig;
  private final AddressPool pool;
  private final byte[] cookieKey = new byte[32];
  private volatile Engine engine;
  private volatile TcpGateway tcp;
  private Thread tcpThread;

  /**
   * @param config the server's protocol settings
   * @param pool tunnel addresses, shared by all workers
   * @param workerCount the engine's worker count
   */
  public Gateway(ServerConfig config, AddressPool pool, int workerCount) {
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
          new ServerSessions<>(
              () -> this.config,
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

  /**
   * Serves OpenVPN over TCP on {@code listener} (already bound, usually to the UDP port) from its
   * own loop thread, with the same PKI, pool and tunnel routes as the workers.
   */
  public synchronized void startTcp(TcpListener listener) throws NativeIoException {
    if (tcp != null) {
      throw new IllegalStateException("TCP already started");
    }
    ServerSessions<TcpLink> sessions =
        new ServerSessions<>(
            () -> tcpConfig,
            new ResetCookie(cookieKey, COOKIE_SLOT_NANOS),
            new ResetRateLimiter(50, 20),
            pool,
            link -> socketAddress(link.remote()),
            ServerSessions.PeerIds.sequential());
    Engine e = engine;
    tcp = new TcpGateway(this, listener, sessions, HANDOFF_CAPACITY, workers.size(), e);
    tcpThread = Thread.ofPlatform().name("braid-tcp").daemon().start(tcp);
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

  /** Stops the TCP loop, if started, and closes its listener and connections. */
  public synchronized void stopTcp() throws NativeIoException, InterruptedException {
    if (tcp == null) {
      return;
    }
    tcp.requestStop();
    if (!tcpThread.join(java.time.Duration.ofSeconds(10))) {
      throw new IllegalStateException("TCP loop did not stop");
    }
    tcp.close();
  }

  /** The TCP listener's transport (MPTCP or why not), or null without TCP. */
  public TcpListener.Transport tcpTransport() {
    TcpGateway t = tcp;
    return t == null ? null : t.listener().transport();
  }

  /** Ended TCP connections by cause (status keys), empty without TCP. */
  public Map<String, Long> tcpDisconnects() {
    TcpGateway t = tcp;
    return t == null ? Map.of() : t.disconnects().snapshot();
  }

  /** The TCP loop's counters, or null without TCP. */
  public CounterSnapshot tcpCounters() {
    TcpGateway t = tcp;
    return t == null ? null : t.counters();
  }

  /** The TCP loop's failure, or null. */
  public Throwable tcpFailure() {
    TcpGateway t = tcp;
    return t == null ? null : t.failure();
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
    for (WorkerGateway w : workers) {
      all.add(w.published());
    }
    TcpGateway t = tcp;
    if (t != null) {
      all.add(t.published());
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

  /** The UDP port the workers listen on, once {@link #attach attached}; else 0. */
  int port() {
    Engine e = engine;
    return e == null ? 0 : e.port();
  }

  int workerCount() {
    return peerIds.workers();
  }

  /** The hand-off queue of loop {@code owner} (a worker, or the TCP loop at the worker count). */
  HandoffQueue<Handed> handoffTo(int owner) {
    return owner < workers.size() ? workers.get(owner).handoff() : tcp.handoff();
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
    for (int w = 0; w < workers.size(); w++) {
      wake(w);
    }
    if (tcp != null) {
      wake(workers.size());
    }
  }

  ConcurrentMap<TunnelAddress, Route> routes() {
    return routes;
  }

  /**
   * Wakes loop {@code w} (a worker, or the TCP loop at the worker count) to drain its hand-off
   * queue; a worker woken before {@link #attach} drains on its next turn.
   */
  void wake(int w) {
    if (w == workers.size()) {
      tcp.wake();
      return;
    }
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
    return socketAddress(path.remote());
  }

  private static byte[] socketAddress(java.net.InetSocketAddress a) {
    byte[] ip = a.getAddress().getAddress();
    byte[] out = new byte[ip.length + 2];
    System.arraycopy(ip, 0, out, 0, ip.length);
    out[ip.length] = (byte) (a.getPort() >>> 8);
    out[ip.length + 1] = (byte) a.getPort();
    return out;
  }
}
