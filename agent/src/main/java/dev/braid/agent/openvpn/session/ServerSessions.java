package dev.braid.agent.openvpn.session;

import dev.braid.agent.openvpn.push.AddressPool;
import dev.braid.agent.openvpn.tlswrap.ControlWrap;
import dev.braid.agent.openvpn.tlswrap.ResetCookie;
import dev.braid.agent.openvpn.tlswrap.ResetRateLimiter;
import dev.braid.agent.openvpn.wire.ControlCodec;
import dev.braid.agent.openvpn.wire.ControlPacket;
import dev.braid.agent.openvpn.wire.DataV2Header;
import dev.braid.agent.openvpn.wire.Decoded;
import dev.braid.agent.openvpn.wire.DropReason;
import dev.braid.agent.openvpn.wire.Opcode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;

/**
 * The server's session table for one worker, sans I/O: {@link #receive} a datagram with its path
 * and the time, {@link #poll} on timers; both write datagrams, events and drops to an {@link
 * Output}. Hard resets are answered statelessly with an HMAC cookie as server session id; a session
 * is created only when the client's next packet echoes a valid cookie from the same address. Not
 * thread-safe.
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

  private final ServerConfig config;
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
    this.peerIds = peerIds;
    this.config = config;
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
    Decoded<ControlWrap.Unwrapped> unwrapped = config.wrap().unwrap(datagram, off, len);
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
    if (p.opcode() == Opcode.CONTROL_HARD_RESET_CLIENT_V2) {
      answerReset(p, path, nowNanos, out);
      return;
    }
    Session<P> s = byClientSid.get(p.sessionId());
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
    s.onControl(p, path, nowNanos, out);
    reapIfClosed(s);
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
        new Session<>(config, p.peerSessionId(), p.sessionId(), peerId, pool, path, nowNanos);
    s.startFromCookie(nowNanos);
    byClientSid.put(p.sessionId(), s);
    byPeerId.put(peerId, s);
    return s;
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
    for (Iterator<Session<P>> it = byClientSid.values().iterator(); it.hasNext(); ) {
      Session<P> s = it.next();
      s.poll(nowNanos, out);
      if (s.isClosed()) {
        it.remove();
        forget(s);
      }
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
