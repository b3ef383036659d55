package dev.braid.agent.openvpn.session;

import dev.braid.agent.openvpn.push.AddressPool;
import dev.braid.agent.openvpn.reliable.SenderCounters;
import dev.braid.agent.openvpn.tlswrap.ControlWrap;
import dev.braid.agent.openvpn.tlswrap.ResetCookie;
import dev.braid.agent.openvpn.tlswrap.ResetRateLimiter;
import dev.braid.agent.openvpn.wire.ControlCodec;
import dev.braid.agent.openvpn.wire.ControlPacket;
import dev.braid.agent.openvpn.wire.DataV2Header;
import dev.braid.agent.openvpn.wire.Decoded;
import dev.braid.agent.openvpn.wire.DropReason;
import dev.braid.agent.openvpn.wire.Opcode;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The server's session table for one worker, sans I/O: {@link #receive} a datagram with its path
 * and the time, {@link #poll} on timers; both write datagrams, events and drops to an {@link
 * Output}. Hard resets are answered statelessly with an HMAC cookie as server session id; a session
 * is created only when the client's next packet echoes a valid cookie from the same address. Not
 * thread-safe.
 *
 * <p>The settings come from a supplier that another thread may switch to a new immutable {@link
 * ServerConfig} at any time (a config reload); the table reads it once per control packet and timer
 * turn, never per data packet. New sessions start with the latest settings, established ones keep
 * theirs and their data keys. When the TLS context changes, sessions whose client certificate the
 * new CRL lists are sent away ({@link Session#goAway}). When the control-channel key changes,
 * established sessions keep the key their client has until they end.
 *
 * @param <P> the transport's path type (local address/interface + remote address); {@code equals}
 *     must identify a path
 */
public final class ServerSessions<P> {
  /**
   * Hands out DATA_V2 peer-ids. An engine with several workers allocates them so that its steering
   * program brings every data packet of a session to the worker whose table holds it.
   */
  public interface PeerIds {
    /** A free peer-id, or -1 when none is left. */
    int allocate();

    void release(int peerId);

    /** 0, 1, 2, ... for a single table. */
    static PeerIds sequential() {
      return new PeerIds() {
        private int next;

        @Override
        public int allocate() {
          int id = next;
          next = (next + 1) % DataV2Header.NO_PEER_ID;
          return id;
        }

        @Override
        public void release(int peerId) {}
      };
    }
  }

  private final Supplier<ServerConfig> live;
  private ServerConfig config;
  private final List<ControlWrap> retiredWraps = new ArrayList<>();
  private long revokedSessions;
  private final SenderCounters controlCounters = new SenderCounters();
  private final ResetCookie cookie;
  private final ResetRateLimiter resetLimiter;
  private final AddressPool pool;
  private final Function<P, byte[]> peerAddress;
  private final Map<Long, Session<P>> byClientSid = new HashMap<>();
  private final Map<Integer, Session<P>> byPeerId = new HashMap<>();
  private final long replayEpoch;
  private final PeerIds peerIds;
  private int resetReplayId;

  /**
   * What a revoked client is told: stock clients log it and stop (SIGTERM with the default {@code
   * auth-retry none}) instead of retrying a certificate that can no longer connect.
   */
  static final String REVOKED_NOTICE = "AUTH_FAILED,client certificate revoked";

  /**
   * @param peerAddress the remote address and port of a path, as bytes (cookie input)
   */
  public ServerSessions(
      ServerConfig config,
      ResetCookie cookie,
      ResetRateLimiter resetLimiter,
      AddressPool pool,
      Function<P, byte[]> peerAddress) {
    this(config, cookie, resetLimiter, pool, peerAddress, PeerIds.sequential());
  }

  /**
   * @param peerAddress the remote address and port of a path, as bytes (cookie input)
   * @param peerIds where new sessions get their DATA_V2 peer-id
   */
  public ServerSessions(
      ServerConfig config,
      ResetCookie cookie,
      ResetRateLimiter resetLimiter,
      AddressPool pool,
      Function<P, byte[]> peerAddress,
      PeerIds peerIds) {
    this(() -> config, cookie, resetLimiter, pool, peerAddress, peerIds);
  }

  /**
   * @param live the settings in force; read on the owning thread, may change between calls
   * @param peerAddress the remote address and port of a path, as bytes (cookie input)
   * @param peerIds where new sessions get their DATA_V2 peer-id
   */
  public ServerSessions(
      Supplier<ServerConfig> live,
      ResetCookie cookie,
      ResetRateLimiter resetLimiter,
      AddressPool pool,
      Function<P, byte[]> peerAddress,
      PeerIds peerIds) {
    this.peerIds = peerIds;
    this.live = live;
    this.config = live.get();
    this.cookie = cookie;
    this.resetLimiter = resetLimiter;
    this.pool = pool;
    this.peerAddress = peerAddress;
    this.replayEpoch = config.wallSeconds().getAsLong() & 0xFFFFFFFFL;
  }

  /** Handles one datagram received over {@code path}. */
  public void receive(byte[] datagram, int off, int len, P path, long nowNanos, Output<P> out) {
    if (len < 1) {
      out.drop(DropReason.EMPTY);
      return;
    }
    Opcode op = Opcode.ofFirstByte(datagram[off]);
    if (op == Opcode.DATA_V2) {
      receiveData(datagram, off, len, path, nowNanos, out);
      return;
    }
    if (op == Opcode.DATA_V1) {
      out.drop(DropReason.DATA_V1_UNSUPPORTED);
      return;
    }
    refresh(nowNanos, out);
    ControlWrap wrap = config.wrap();
    Decoded<ControlWrap.Unwrapped> unwrapped = wrap.unwrap(datagram, off, len);
    for (int i = 0; !unwrapped.isOk() && i < retiredWraps.size(); i++) {
      Decoded<ControlWrap.Unwrapped> old = retiredWraps.get(i).unwrap(datagram, off, len);
      if (old.isOk()) {
        wrap = retiredWraps.get(i);
        unwrapped = old;
      }
    }
    if (!unwrapped.isOk()) {
      out.drop(unwrapped.drop());
      return;
    }
    byte[] plain = unwrapped.value().plain();
    Decoded<ControlPacket> decoded = ControlCodec.decode(plain, 0, plain.length);
    if (!decoded.isOk()) {
      out.drop(decoded.drop());
      return;
    }
    ControlPacket p = decoded.value();
    if (p.opcode() == Opcode.CONTROL_HARD_RESET_CLIENT_V2 && wrap == config.wrap()) {
      answerReset(p, path, nowNanos, out);
      return;
    }
    Session<P> s = byClientSid.get(p.sessionId());
    if (wrap != config.wrap() && (s == null || s.wrap() != wrap)) {
      // only sessions that started before the key changed may still use the old key
      out.drop(DropReason.RETIRED_CONTROL_KEY);
      return;
    }
    if (s == null) {
      s = createFromCookie(p, path, nowNanos, out);
      if (s == null) {
        return;
      }
    } else if (p.acks().length > 0 && p.peerSessionId() != s.serverSessionId()) {
      out.drop(DropReason.WRONG_PEER_SESSION_ID);
      return;
    }
    DropReason replay =
        s.acceptControlReplayId(unwrapped.value().epoch(), unwrapped.value().packetId(), nowNanos);
    if (replay != null) {
      out.drop(replay);
      return;
    }
    boolean wasEstablished = s.isEstablished();
    s.onControl(p, path, nowNanos, out);
    if (!wasEstablished && s.isEstablished()) {
      sendAwayIfRevoked(s, nowNanos, out); // its handshake may have begun before a new CRL
    }
    reapIfClosed(s);
  }

  /**
   * Adopts the latest settings if they changed since the last call: new sessions get them, a new
   * CRL sends established sessions with revoked certificates away. Called by {@link #receive} and
   * {@link #poll}; the owning loop also calls it when woken for a reload.
   */
  public void refresh(long nowNanos, Output<P> out) {
    ServerConfig latest = live.get();
    if (latest == config) {
      return;
    }
    ServerConfig before = config;
    config = latest;
    if (latest.wrap() != before.wrap()) {
      retiredWraps.add(before.wrap());
      pruneRetiredWraps();
    }
    if (latest.tls() != before.tls()) {
      for (Session<P> s : List.copyOf(byClientSid.values())) {
        sendAwayIfRevoked(s, nowNanos, out);
      }
    }
  }

  /**
   * What the control channels of this table's sessions sent and resent since start, closed sessions
   * included; owned by the table's thread (publish a {@link SenderCounters#copy()}).
   */
  public SenderCounters controlCounters() {
    return controlCounters;
  }

  /** Sessions sent away because their client certificate was revoked, since start. */
  public long revokedSessions() {
    return revokedSessions;
  }

  private void sendAwayIfRevoked(Session<P> s, long nowNanos, Output<P> out) {
    X509Certificate cert = s.clientCertificate();
    if (cert == null || !config.tls().isRevoked(cert)) {
      return;
    }
    revokedSessions++;
    s.goAway(
        REVOKED_NOTICE,
        "client certificate revoked ("
            + cert.getSubjectX500Principal().getName()
            + ", serial "
            + cert.getSerialNumber().toString(16)
            + "): sent "
            + REVOKED_NOTICE,
        nowNanos,
        out);
    reapIfClosed(s);
  }

  private void pruneRetiredWraps() {
    retiredWraps.removeIf(w -> byClientSid.values().stream().noneMatch(s -> s.wrap() == w));
  }

  private void answerReset(ControlPacket p, P path, long nowNanos, Output<P> out) {
    if (p.messageId() != 0) {
      out.drop(DropReason.RESET_NOT_ID_ZERO);
      return;
    }
    if (!resetLimiter.tryAcquire(nowNanos)) {
      out.drop(DropReason.RESET_RATE_LIMITED);
      return;
    }
    long sid = cookie.serverSessionId(peerAddress.apply(path), p.sessionId(), nowNanos);
    ControlPacket reply =
        new ControlPacket(
            Opcode.CONTROL_HARD_RESET_SERVER_V2,
            0,
            sid,
            new int[] {0},
            p.sessionId(),
            0,
            new byte[0]);
    byte[] encoded = ControlCodec.encode(reply);
    // The reply is the client's only ACK of its reset: if it is lost the client waits 2 s for its
    // timer. Send it like any dedicated ACK, several times, each copy wrapped with its own replay
    // id. A client retransmit of the reset gets the same cookie (same time slot), so answering it
    // again is idempotent. Amplification stays bounded by the reset rate limiter above.
    for (int i = 0; i < config.reliable().ackCopies(); i++) {
      out.send(path, config.wrap().wrap(encoded, replayEpoch, ++resetReplayId));
    }
  }

  private Session<P> createFromCookie(ControlPacket p, P path, long nowNanos, Output<P> out) {
    boolean acksOurReset = false;
    for (int id : p.acks()) {
      acksOurReset |= id == 0;
    }
    boolean early = p.opcode() == Opcode.ACK_V1 || Integer.compareUnsigned(p.messageId(), 1) <= 0;
    if (!acksOurReset
        || !early
        || p.keyId() != 0
        || !cookie.verify(peerAddress.apply(path), p.sessionId(), p.peerSessionId(), nowNanos)) {
      out.drop(p.acks().length > 0 ? DropReason.RESET_COOKIE_INVALID : DropReason.UNKNOWN_SESSION);
      return null;
    }
    int peerId = peerIds.allocate();
    if (peerId < 0) {
      out.drop(DropReason.POOL_EXHAUSTED);
      return null;
    }
    Session<P> s =
        new Session<>(
            config,
            live,
            p.peerSessionId(),
            p.sessionId(),
            peerId,
            pool,
            path,
            sessionReplayEpoch(),
            nowNanos,
            controlCounters);
    s.startFromCookie(nowNanos);
    byClientSid.put(p.sessionId(), s);
    byPeerId.put(peerId, s);
    return s;
  }

  /**
   * The replay-id epoch (tls-auth/tls-crypt "time") of a new session's packets. The client already
   * holds our reset replies, numbered 1, 2, ... in {@link #replayEpoch}; the session numbers its
   * packets from 1 again, so it needs a later epoch or the client drops them as replays ("bad
   * packet ID"). The wall clock gives a later one except within the second this table was made (or
   * after the clock stepped back): then one second past the reset replies' epoch.
   */
  private long sessionReplayEpoch() {
    long now = config.wallSeconds().getAsLong() & 0xFFFFFFFFL;
    return now > replayEpoch ? now : (replayEpoch + 1) & 0xFFFFFFFFL;
  }

  private void receiveData(
      byte[] datagram, int off, int len, P path, long nowNanos, Output<P> out) {
    Decoded<DataV2Header> h = DataV2Header.decode(datagram, off, len);
    if (!h.isOk()) {
      out.drop(h.drop());
      return;
    }
    Session<P> s = byPeerId.get(h.value().peerId());
    if (s == null) {
      out.drop(DropReason.UNKNOWN_PEER_ID);
      return;
    }
    s.onData(datagram, off, len, h.value().keyId(), path, nowNanos, out);
    reapIfClosed(s);
  }

  /** Runs every session's timers. */
  public void poll(long nowNanos, Output<P> out) {
    refresh(nowNanos, out);
    boolean closed = false;
    for (Iterator<Session<P>> it = byClientSid.values().iterator(); it.hasNext(); ) {
      Session<P> s = it.next();
      s.poll(nowNanos, out);
      if (s.isClosed()) {
        it.remove();
        forget(s);
        closed = true;
      }
    }
    if (closed && !retiredWraps.isEmpty()) {
      pruneRetiredWraps();
    }
  }

  /** Earliest time {@link #poll} has work; Long.MAX_VALUE if none. */
  public long nextWakeupNanos() {
    long wake = Long.MAX_VALUE;
    for (Session<P> s : byClientSid.values()) {
      wake = Math.min(wake, s.nextWakeupNanos());
    }
    return wake;
  }

  public int size() {
    return byClientSid.size();
  }

  /** Every live session (a copy). */
  public java.util.List<Session<P>> sessions() {
    return java.util.List.copyOf(byClientSid.values());
  }

  /** The session with this DATA_V2 peer id, if any. */
  public Session<P> byPeerId(int peerId) {
    return byPeerId.get(peerId);
  }

  /**
   * Closes {@code s} at once without telling the client, as OpenVPN drops the older session of a
   * client that connected again; the close event carries {@code reason}.
   */
  public void close(Session<P> s, String reason, Output<P> out) {
    s.closeNow(reason, out);
    reapIfClosed(s);
  }

  private void reapIfClosed(Session<P> s) {
    if (s.isClosed()) {
      byClientSid.remove(s.clientSessionId());
      forget(s);
    }
  }

  private void forget(Session<P> s) {
    if (byPeerId.remove(s.peerId()) != null) {
      peerIds.release(s.peerId());
    }
    if (s.lease() != null) {
      pool.release(s.lease());
    }
  }
}
