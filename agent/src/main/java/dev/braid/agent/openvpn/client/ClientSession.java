package dev.braid.agent.openvpn.client;

import dev.braid.agent.multipath.PathSpec;
import dev.braid.agent.openvpn.client.push.PushReplyReader;
import dev.braid.agent.openvpn.client.push.PushedOptions;
import dev.braid.agent.openvpn.client.push.PushedOptionsParser;
import dev.braid.agent.openvpn.data.AeadDataChannel;
import dev.braid.agent.openvpn.data.DataPayload;
import dev.braid.agent.openvpn.keys.AeadCipher;
import dev.braid.agent.openvpn.keys.DataKeyMaterial;
import dev.braid.agent.openvpn.keys.KeyMethod2;
import dev.braid.agent.openvpn.multipath.MultipathChannel;
import dev.braid.agent.openvpn.multipath.MultipathNegotiation;
import dev.braid.agent.openvpn.reliable.ReliableEndpoint;
import dev.braid.agent.openvpn.reliable.ReliableReceiver;
import dev.braid.agent.openvpn.reliable.Segment;
import dev.braid.agent.openvpn.replay.ReplayWindow;
import dev.braid.agent.openvpn.tls.TlsPump;
import dev.braid.agent.openvpn.tlswrap.ControlWrap;
import dev.braid.agent.openvpn.wire.ControlCodec;
import dev.braid.agent.openvpn.wire.ControlPacket;
import dev.braid.agent.openvpn.wire.DataV2Header;
import dev.braid.agent.openvpn.wire.Decoded;
import dev.braid.agent.openvpn.wire.DropReason;
import dev.braid.agent.openvpn.wire.Opcode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLException;

/**
 * One OpenVPN 2.6 client session, sans I/O: {@link #receive} a datagram with the path it came over
 * and the time, {@link #poll} on timers (first right after construction: that sends the hard
 * reset); both write datagrams (each with the path to send it on), events and drops to a {@link
 * ClientOutput}. Not thread-safe: one owner thread drives it.
 *
 * <p>The session runs the hard reset, the TLS client handshake, the key-method 2 exchange with
 * peer-info, PUSH_REQUEST/PUSH_REPLY, the AEAD data channel (DATA_V2 with the pushed peer-id),
 * keepalive, renegotiation both ways (the replaced key keeps decrypting through the transition
 * window) and the exit notification. Control packets go over the control path (the path the session
 * started on unless the caller moves it with {@link #useControlPath}); the caller chooses the path
 * of each data packet ({@link #sendTunPacket}, or {@link #seal} to put one sealed packet on several
 * paths). Every authenticated packet from the server reports the path it came over.
 *
 * <p>Multipath: with {@link ClientConfig#multipath()} the client announces {@code IV_BRAID_MP}; if
 * the hub pushes {@code braid-multipath} of the same version, the session runs a {@link
 * MultipathChannel} over the paths declared with {@link #addPath} (the control path alone if none
 * were): it probes every path, schedules {@link #sendTunPacket(byte[], long, ClientOutput)} over
 * them, and delivers received packets in packet-id order. Without the hub's consent the session is
 * an ordinary single-path client on the control path.
 *
 * @param <P> the caller's path type; {@code equals} must identify a path
 */
public final class ClientSession<P> {
  private static final long PUSH_REQUEST_INTERVAL_NANOS = 5_000_000_000L;
  private static final long OCC_EXIT_INTERVAL_NANOS = 1_000_000_000L;

  /** Paths whose last authenticated packet is remembered; more are forgotten oldest first. */
  static final int MAX_PATHS = 16;

  /** Control-channel text without a terminating NUL beyond this is a protocol error. */
  private static final int MAX_TEXT = 64 * 1024;

  /** TLS alerts a server sends when it refuses the client's certificate. */
  private static final List<String> CERTIFICATE_ALERTS =
      List.of(
          "bad_certificate",
          "unsupported_certificate",
          "certificate_revoked",
          "certificate_expired",
          "certificate_unknown",
          "unknown_ca",
          "access_denied",
          "certificate_required");

  enum State {
    /** Reset, TLS and key exchange of key id 0. */
    HANDSHAKING,
    /** Keys agreed; waiting for the PUSH_REPLY. */
    PULLING,
    CONNECTED,
    /** Telling the server we leave (explicit-exit-notify). */
    EXITING,
    CLOSED
  }

  private final ClientConfig config;
  private final RandomGenerator random;
  private final long clientSid;
  private final long replayEpoch;
  private final long startedNanos;
  private final ReplayWindow controlReplay = ReplayWindow.openvpnDefault();

  /** Last authenticated packet per path, least recently heard first, at most {@link #MAX_PATHS}. */
  private final Map<P, Long> heard =
      new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<P, Long> eldest) {
          return size() > MAX_PATHS;
        }
      };

  private final PushReplyReader pushReader = new PushReplyReader();

  /** Paths the caller declared for multipath (its uplinks), in the order declared. */
  private final Map<P, PathSpec> declaredPaths = new LinkedHashMap<>();

  private MultipathChannel<P> channel;
  private ClientOutput<P> wiredOutput;
  private MultipathChannel.Wire<P> wire;
  private final double renegotiateDraw;

  private P controlPath;
  private long serverSid;
  private int sendReplayId;
  private State state = State.HANDSHAKING;
  private ClientKey current;
  private ClientKey previous;
  private boolean heardFromServer;
  private long lastReceivedNanos;
  private long lastSentNanos;
  private long pushDeadlineNanos = Long.MAX_VALUE;
  private long nextPushRequestNanos = Long.MAX_VALUE;

  private PushedOptions pushed;
  private AeadCipher cipher;
  private int peerId = -1;
  private boolean keyExport;
  private boolean controlChannelExit;
  private boolean multipath;
  private long pingNanos;
  private long pingRestartNanos;
  private int renegotiations;

  private ClientKey exitKey;
  private long exitDeadlineNanos;
  private long nextOccExitNanos = Long.MAX_VALUE;
  private CloseReason closeReason;

  /**
   * A session about to connect over {@code path}; call {@link #poll} at once to send the reset.
   *
   * @param wallSeconds the wall clock in seconds now: the replay-id epoch of our wrapped control
   *     packets, which must be later than any earlier session's with the same key
   */
  public ClientSession(ClientConfig config, P path, long nowNanos, long wallSeconds) {
    this(config, path, nowNanos, wallSeconds, new SecureRandom());
  }

  /**
   * Like {@link #ClientSession(ClientConfig, Object, long, long)} with the given source of session
   * ids and key material (tests may seed one; production needs a secure one).
   */
  public ClientSession(
      ClientConfig config, P path, long nowNanos, long wallSeconds, RandomGenerator random) {
    this.config = config;
    this.random = random;
    long sid;
    do {
      sid = random.nextLong();
    } while (sid == 0);
    this.clientSid = sid;
    this.replayEpoch = wallSeconds & 0xFFFFFFFFL;
    this.startedNanos = nowNanos;
    this.controlPath = path;
    this.lastReceivedNanos = nowNanos;
    this.lastSentNanos = nowNanos;
    this.renegotiateDraw = random.nextDouble();
    this.current = newKey(0, false, nowNanos);
    current.reliable.send(Opcode.CONTROL_HARD_RESET_CLIENT_V2.value(), new byte[0]);
  }

  private ClientKey newKey(int keyId, boolean byServer, long nowNanos) {
    return new ClientKey(
        keyId,
        byServer,
        new ReliableEndpoint(config.reliable()),
        new TlsPump(config.tlsEngines().get(), config.tlsChunk()),
        nowNanos);
  }

  // ---------------------------------------------------------------- input

  /** Handles one datagram (one TCP-framed packet) received over {@code path}. */
  public void receive(
      byte[] datagram, int off, int len, P path, long nowNanos, ClientOutput<P> out) {
    if (state == State.CLOSED) {
      out.drop(DropReason.SESSION_CLOSING);
      return;
    }
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
    if (p.acks().length > 0 && p.peerSessionId() != clientSid) {
      out.drop(DropReason.WRONG_PEER_SESSION_ID);
      return;
    }
    if (serverSid == 0
        ? p.opcode() != Opcode.CONTROL_HARD_RESET_SERVER_V2 || p.keyId() != 0
        : p.sessionId() != serverSid) {
      out.drop(DropReason.UNKNOWN_SESSION);
      return;
    }
    if (!freshControl(unwrapped.value(), nowNanos, out)) {
      return;
    }
    serverSid = p.sessionId();
    heard(path, nowNanos);
    ClientKey k = keyFor(p, nowNanos, out);
    if (k == null) {
      return;
    }
    k.reliable.receive(
        new Segment(
            p.opcode().value(), p.opcode().carriesMessage(), p.messageId(), p.acks(), p.payload()),
        nowNanos);
    ReliableReceiver.Message m;
    while ((m = k.reliable.nextMessage()) != null) {
      if (m.opcode() == Opcode.CONTROL_V1.value()) {
        k.tls.receiveCiphertext(m.payload());
      } else if (k.phase == ClientKey.Phase.RESET
          && m.opcode() == Opcode.CONTROL_HARD_RESET_SERVER_V2.value()) {
        k.phase = ClientKey.Phase.TLS; // the server answered our reset: TLS may begin
      }
    }
    advance(k, nowNanos, out);
    if (state == State.CLOSED) {
      return;
    }
    k.reliable.expectPeer(serverOwes(k), nowNanos);
    flush(k, nowNanos, out);
    finishExitIfAcknowledged(out);
  }

  /** Replay check of a wrapped control packet; unwrapped ones (no tls-auth/crypt) have none. */
  private boolean freshControl(ControlWrap.Unwrapped u, long nowNanos, ClientOutput<P> out) {
    if (u.epoch() == 0 && u.packetId() == 0) {
      return true;
    }
    DropReason r = controlReplay.check(u.epoch(), u.packetId(), nowNanos);
    if (r != null) {
      out.drop(r);
      return false;
    }
    controlReplay.accept(u.epoch(), u.packetId(), nowNanos);
    return true;
  }

  private ClientKey keyFor(ControlPacket p, long nowNanos, ClientOutput<P> out) {
    if (current.keyId == p.keyId()) {
      return current;
    }
    if (previous != null && previous.keyId == p.keyId()) {
      return previous;
    }
    if (p.opcode() == Opcode.CONTROL_SOFT_RESET_V1
        && p.messageId() == 0
        && state == State.CONNECTED
        && current.data != null
        && p.keyId() == ClientKey.next(current.keyId)) {
      softReset(true, nowNanos); // the server renegotiates: answer with our reset and a new TLS
      return current;
    }
    out.drop(DropReason.UNKNOWN_KEY_ID);
    return null;
  }

  private void receiveData(
      byte[] datagram, int off, int len, P path, long nowNanos, ClientOutput<P> out) {
    Decoded<DataV2Header> h = DataV2Header.decode(datagram, off, len);
    if (!h.isOk()) {
      out.drop(h.drop());
      return;
    }
    int keyId = h.value().keyId();
    ClientKey k =
        current.keyId == keyId
            ? current
            : previous != null && previous.keyId == keyId ? previous : null;
    if (k == null || k.data == null) {
      out.drop(DropReason.UNKNOWN_KEY_ID);
      return;
    }
    if (state == State.EXITING) {
      out.drop(DropReason.SESSION_CLOSING);
      return;
    }
    if (channel != null) {
      ClientKey sending = sendingKey();
      DropReason r =
          channel.receive(
              k.data,
              keyId,
              datagram,
              off,
              len,
              path,
              nowNanos,
              sending == null ? null : sending.data,
              wire(out));
      if (r != null) {
        out.drop(r); // a duplicate copy is counted under its own reason
        return;
      }
      heard(path, nowNanos); // authenticated and fresh (delivered now or once in order)
      return;
    }
    Decoded<AeadDataChannel.Opened> opened = k.data.open(datagram, off, len, nowNanos);
    if (!opened.isOk()) {
      out.drop(opened.drop());
      return;
    }
    heard(path, nowNanos); // authenticated and fresh
    onPayload(opened.value(), path, keyId, out);
  }

  /** Acts on an authenticated payload from the server (in packet-id order when multipath). */
  private void onPayload(AeadDataChannel.Opened opened, P path, int keyId, ClientOutput<P> out) {
    if (state == State.CLOSED) {
      return;
    }
    switch (opened.kind()) {
      case PING -> {}
      case OCC_EXIT ->
          close(
              CloseReason.retry(
                  CloseReason.Kind.SERVER_EXIT,
                  "server sent OCC_EXIT (it is shutting down)",
                  false),
              out);
      case IP_PACKET ->
          out.event(new ClientEvent.TunPacket<>(opened.plain(), path, keyId, opened.packetId()));
    }
  }

  private void heard(P path, long nowNanos) {
    heardFromServer = true;
    lastReceivedNanos = nowNanos;
    heard.put(path, nowNanos); // access order: this path moves to the end
  }

  // ---------------------------------------------------------------- key exchange

  /** Moves a key state forward as far as TLS plaintext allows. */
  private void advance(ClientKey k, long nowNanos, ClientOutput<P> out) {
    if (k.phase == ClientKey.Phase.RESET || k.phase == ClientKey.Phase.FAILED) {
      return;
    }
    if (k.tls.failure() != null) {
      k.phase = ClientKey.Phase.FAILED;
      for (byte[] chunk : k.tls.takeCiphertext()) {
        k.reliable.send(Opcode.CONTROL_V1.value(), chunk); // our alert, if we raised one
      }
      flush(k, nowNanos, out);
      close(tlsFailure(k.tls.failure()), out);
      return;
    }
    if (k.tls.handshakeComplete() && k.sent == null) {
      k.sent =
          new KeyMethod2.ClientMessage(
              bytes(KeyMethod2.PRE_MASTER),
              bytes(KeyMethod2.RANDOM),
              bytes(KeyMethod2.RANDOM),
              PeerInfo.optionsString(config),
              "",
              "",
              PeerInfo.of(config));
      k.tls.writePlain(KeyMethod2.clientMessage(k.sent));
    }
    k.plain.writeBytes(k.tls.takePlain());
    if (k.sent != null && k.received == null) {
      byte[] all = k.plain.toByteArray();
      KeyMethod2.ServerRead read = KeyMethod2.parseServer(all);
      if (read.error() != null) {
        close(CloseReason.retry(CloseReason.Kind.PROTOCOL_ERROR, read.error(), true), out);
        return;
      }
      if (!read.incomplete()) {
        k.received = read.message();
        k.phase = ClientKey.Phase.AGREED;
        k.plain.reset();
        k.plain.write(all, read.consumed(), all.length - read.consumed());
        if (k.keyId == 0) {
          state = State.PULLING;
          pushDeadlineNanos = nowNanos + config.handWindow().toNanos();
          nextPushRequestNanos = nowNanos;
        } else if (!installDataKeys(k, nowNanos, out)) {
          return;
        } else {
          if (channel != null) {
            ClientKey sending = sendingKey();
            channel.keyStarted(k.keyId, sending == null ? null : sending.data, wire(out));
          }
          renegotiations++;
          previous.retireAtNanos = Math.min(previous.retireAtNanos, retireAt(nowNanos));
          out.event(new ClientEvent.Renegotiated<>(k.keyId, k.byServer));
        }
      }
    }
    if (k.received != null && !handleTexts(k, nowNanos, out)) {
      return;
    }
    for (byte[] chunk : k.tls.takeCiphertext()) {
      k.reliable.send(Opcode.CONTROL_V1.value(), chunk);
    }
  }

  /** The previous key decrypts until the transition window after the new one took over. */
  private long retireAt(long nowNanos) {
    return nowNanos + config.transitionWindow().toNanos();
  }

  /**
   * Sends PUSH_REQUEST when due: first at the poll after the server's key-method message, not while
   * handling it, so that a PUSH_REPLY the server sent unasked in the same flight (OpenVPN 2.6 does,
   * for clients announcing REQUEST_PUSH) is read first and the request saved; then every 5 s.
   */
  private void requestPushIfDue(long nowNanos) {
    if (pushed == null && nowNanos >= nextPushRequestNanos) {
      current.tls.writePlain(text("PUSH_REQUEST"));
      nextPushRequestNanos = nowNanos + PUSH_REQUEST_INTERVAL_NANOS;
    }
  }

  /** Handles every complete (NUL-terminated) text message; false if the session closed. */
  private boolean handleTexts(ClientKey k, long nowNanos, ClientOutput<P> out) {
    byte[] all = k.plain.toByteArray();
    int start = 0;
    for (int i = 0; i < all.length && state != State.CLOSED; i++) {
      if (all[i] == 0) {
        onText(new String(all, start, i - start, StandardCharsets.UTF_8), k, nowNanos, out);
        start = i + 1;
      }
    }
    k.plain.reset();
    if (state == State.CLOSED) {
      return false;
    }
    if (all.length - start > MAX_TEXT) {
      close(
          CloseReason.retry(
              CloseReason.Kind.PROTOCOL_ERROR,
              "server sent " + (all.length - start) + " bytes of control text without a NUL",
              false),
          out);
      return false;
    }
    k.plain.write(all, start, all.length - start);
    return true;
  }

  private void onText(String message, ClientKey k, long nowNanos, ClientOutput<P> out) {
    if (PushReplyReader.isPushReply(message)) {
      if (state == State.PULLING && k.keyId == 0) {
        List<String> options = pushReader.add(message);
        if (options != null) {
          onPushReply(options, k, nowNanos, out);
        }
      }
      return; // a repeated reply (answering a PUSH_REQUEST in flight) changes nothing
    }
    CloseReason ending = ServerMessages.ending(message);
    if (ending != null) {
      if (state != State.EXITING) {
        close(ending, out);
      }
      return;
    }
    String info = ServerMessages.info(message);
    if (info != null) {
      out.event(new ClientEvent.Notice<>(info));
      return;
    }
    Duration pending = ServerMessages.authPending(message, config.handWindow());
    if (pending != null) {
      // as OpenVPN: at most max(reneg-sec / 2, hand-window) from the keys
      long cap = Math.max(config.renegotiate().toNanos() / 2, config.handWindow().toNanos());
      pushDeadlineNanos = Math.max(pushDeadlineNanos, nowNanos + Math.min(cap, pending.toNanos()));
      out.event(new ClientEvent.Notice<>(message));
      return;
    }
    out.event(new ClientEvent.Notice<>("unknown control message from server: " + message));
  }

  private void onPushReply(List<String> raw, ClientKey k, long nowNanos, ClientOutput<P> out) {
    PushedOptionsParser.Result parsed = PushedOptionsParser.parse(raw);
    if (!parsed.ok()) {
      close(
          CloseReason.retry(
              CloseReason.Kind.PROTOCOL_ERROR,
              "server pushed malformed options: " + String.join("; ", parsed.errors()),
              false),
          out);
      return;
    }
    PushedOptions o = parsed.options();
    String refusal = refusal(o);
    if (refusal != null) {
      close(CloseReason.retry(CloseReason.Kind.PUSH_REJECTED, refusal, false), out);
      return;
    }
    cipher = chooseCipher(o, k, out);
    if (cipher == null) {
      return;
    }
    peerId = o.peerId().getAsInt();
    keyExport = o.tlsKeyExport();
    controlChannelExit = o.controlChannelExit();
    multipath =
        config.multipath()
            && o.multipath().filter(m -> m.version() == MultipathNegotiation.VERSION).isPresent();
    pingNanos = seconds(o.ping().orElse((int) config.ping().toSeconds()));
    pingRestartNanos = seconds(o.pingRestart().orElse((int) config.pingRestart().toSeconds()));
    if (!installDataKeys(k, nowNanos, out)) {
      return;
    }
    pushed = o;
    state = State.CONNECTED;
    nextPushRequestNanos = Long.MAX_VALUE;
    if (multipath) {
      startMultipath(nowNanos);
    }
    out.event(new ClientEvent.Connected<>(o, cipher, peerId, keyExport, multipath));
  }

  /** Why this client cannot use what the server pushed, or null if it can. */
  private static String refusal(PushedOptions o) {
    if (o.compression().isPresent()) {
      return "server pushed '"
          + o.compression().get()
          + "': compression (and its framing) is not supported; remove compress/comp-lzo from the"
          + " server's configuration";
    }
    if (o.peerId().isEmpty()) {
      return "server pushed no peer-id: DATA_V1 is not supported (an OpenVPN 2.4+ server pushes"
          + " one to clients that announce DATA_V2)";
    }
    return null;
  }

  /**
   * The data cipher: the pushed one, else the one the server's options string names (OpenVPN's
   * fallback for servers that push none); it must be one this client offered.
   */
  private AeadCipher chooseCipher(PushedOptions o, ClientKey k, ClientOutput<P> out) {
    String named = o.cipher().orElseGet(() -> optionValue(k.received.options(), "cipher"));
    Optional<AeadCipher> c = named == null ? Optional.empty() : AeadCipher.ofOpenvpnName(named);
    if (c.isPresent() && config.ciphers().contains(c.get())) {
      return c.get();
    }
    close(
        CloseReason.retry(
            CloseReason.Kind.PUSH_REJECTED,
            named == null
                ? "server pushed no cipher and named none in its options"
                : "server chose cipher '"
                    + named
                    + "', not one of this client's data-ciphers "
                    + config.ciphers().stream().map(AeadCipher::openvpnName).toList(),
            false),
        out);
    return null;
  }

  /** The value of {@code name} in an OpenVPN options string ({@code V4,...,cipher X,...}). */
  private static String optionValue(String options, String name) {
    for (String part : options.split(",")) {
      if (part.startsWith(name + " ")) {
        return part.substring(name.length() + 1).strip();
      }
    }
    return null;
  }

  /** Derives and installs the data keys of {@code k}; false (session closed) if that failed. */
  private boolean installDataKeys(ClientKey k, long nowNanos, ClientOutput<P> out) {
    DataKeyMaterial m;
    if (keyExport) {
      try {
        m = DataKeyMaterial.exported((ExtendedSSLSession) k.tls.session());
      } catch (SSLException e) {
        close(
            CloseReason.retry(
                CloseReason.Kind.TLS_ERROR,
                "TLS keying-material export failed: " + e.getMessage(),
                false),
            out);
        return false;
      }
    } else {
      m =
          DataKeyMaterial.prf(
              k.sent, k.received.random1(), k.received.random2(), clientSid, serverSid);
    }
    k.data =
        new AeadDataChannel(
            cipher,
            m.clientEncryptKey(cipher),
            m.clientEncryptImplicitIv(),
            m.clientDecryptKey(cipher),
            m.clientDecryptImplicitIv(),
            k.keyId,
            peerId,
            multipath
                ? Math.max(config.replayWindow(), MultipathNegotiation.REPLAY_WINDOW)
                : config.replayWindow());
    k.agreedNanos = nowNanos;
    k.renegotiateAtNanos = renegotiateAt(nowNanos);
    return true;
  }

  /** {@code reneg-sec max [min]}: a key age drawn once per session between min and max. */
  private long renegotiateAt(long agreedNanos) {
    long max = config.renegotiate().toNanos();
    if (max == 0) {
      return Long.MAX_VALUE;
    }
    long min = config.renegotiateMin().toNanos();
    return agreedNanos + max - (long) ((max - min) * renegotiateDraw);
  }

  /**
   * Starts key {@link ClientKey#next} of the current one: our soft reset goes out as its message 0
   * and TLS starts at once behind it. The current key keeps sending until the new one is agreed,
   * and decrypting through the transition window after that.
   */
  private void softReset(boolean byServer, long nowNanos) {
    previous = current;
    current = newKey(ClientKey.next(previous.keyId), byServer, nowNanos);
    current.reliable.send(Opcode.CONTROL_SOFT_RESET_V1.value(), new byte[0]);
    current.phase = ClientKey.Phase.TLS;
  }

  /**
   * True while this key cannot go on without a message from the server: its reset, TLS flight or
   * key-method message, or the PUSH_REPLY. The reliable layer nudges an overdue one.
   */
  private boolean serverOwes(ClientKey k) {
    if (serverSid == 0 || k.phase == ClientKey.Phase.FAILED) {
      return false;
    }
    return k.phase != ClientKey.Phase.AGREED || state == State.PULLING && k.keyId == 0;
  }

  private CloseReason tlsFailure(SSLException e) {
    String msg = String.valueOf(e.getMessage());
    for (String alert : CERTIFICATE_ALERTS) {
      if (msg.contains("Received fatal alert: " + alert)) {
        return CloseReason.stop(
            CloseReason.Kind.AUTH_FAILED,
            "server refused this client's certificate (TLS alert " + alert + ")");
      }
    }
    return CloseReason.retry(
        CloseReason.Kind.TLS_ERROR, "TLS failed: " + msg, state == State.HANDSHAKING);
  }

  // ---------------------------------------------------------------- output

  /**
   * Seals an IP packet with the current data key for the caller to send on one or more paths of its
   * choice (a redundant scheduler sends the same packet on several; the server's replay window
   * drops the copies). Null when no data key is ready.
   */
  public byte[] seal(byte[] ipPacket, int off, int len, long nowNanos) {
    ClientKey k = sendingKey();
    if (k == null) {
      return null;
    }
    k.sealed++;
    lastSentNanos = nowNanos;
    return k.data.seal(ipPacket, off, len);
  }

  /** Seals an IP packet and sends it on {@code path}; false when no data key is ready. */
  public boolean sendTunPacket(byte[] ipPacket, P path, long nowNanos, ClientOutput<P> out) {
    byte[] sealed = seal(ipPacket, 0, ipPacket.length, nowNanos);
    if (sealed == null) {
      return false;
    }
    out.send(path, sealed);
    return true;
  }

  /**
   * Sends an IP packet from the tunnel device: over the paths the multipath scheduler picks when
   * multipath is on, else on the control path. False when no data key is ready.
   */
  public boolean sendTunPacket(byte[] ipPacket, long nowNanos, ClientOutput<P> out) {
    return sendTunPacket(ipPacket, 0, ipPacket.length, nowNanos, out);
  }

  /** {@link #sendTunPacket(byte[], long, ClientOutput)} for {@code len} bytes from {@code off}. */
  public boolean sendTunPacket(
      byte[] ipPacket, int off, int len, long nowNanos, ClientOutput<P> out) {
    if (channel == null) {
      byte[] sealed = seal(ipPacket, off, len, nowNanos);
      if (sealed == null) {
        return false;
      }
      out.send(controlPath, sealed);
      return true;
    }
    ClientKey k = sendingKey();
    if (k == null) {
      return false;
    }
    k.sealed++;
    lastSentNanos = nowNanos;
    channel.send(k.data, ipPacket, off, len, controlPath, nowNanos, wire(out));
    return true;
  }

  private ClientKey sendingKey() {
    if (state != State.CONNECTED) {
      return null;
    }
    if (current.data != null) {
      return current;
    }
    return previous != null && previous.data != null ? previous : null;
  }

  private void flush(ClientKey k, long nowNanos, ClientOutput<P> out) {
    for (Segment s : k.reliable.poll(nowNanos)) {
      Opcode op = s.hasMessage() ? Opcode.ofValue(s.opcode()) : Opcode.ACK_V1;
      ControlPacket cp =
          new ControlPacket(
              op, k.keyId, clientSid, s.acks(), serverSid, s.messageId(), s.payload());
      out.send(
          controlPath, config.wrap().wrap(ControlCodec.encode(cp), replayEpoch, ++sendReplayId));
      lastSentNanos = nowNanos;
    }
  }

  // ---------------------------------------------------------------- time

  /** Timers: retransmissions, handshake and push deadlines, keepalive, renegotiation, exit. */
  public void poll(long nowNanos, ClientOutput<P> out) {
    switch (state) {
      case CLOSED -> {
        return;
      }
      case EXITING -> {
        pollExit(nowNanos, out);
        return;
      }
      default -> {}
    }
    if (!deadlinesMet(nowNanos, out)) {
      return;
    }
    if (state == State.CONNECTED) {
      if (previous != null && nowNanos >= previous.retireAtNanos) {
        previous = null;
      }
      if (current.data != null
          && (nowNanos >= current.renegotiateAtNanos || current.sealed >= ClientKey.SEAL_LIMIT)) {
        softReset(false, nowNanos);
      }
    }
    if (state == State.PULLING) {
      requestPushIfDue(nowNanos);
    }
    for (ClientKey k : new ClientKey[] {current, previous}) {
      if (k != null) {
        advance(k, nowNanos, out); // a new soft reset's ClientHello, a due PUSH_REQUEST
        if (state == State.CLOSED) {
          return;
        }
        k.reliable.expectPeer(serverOwes(k), nowNanos);
        flush(k, nowNanos, out);
      }
    }
    if (state == State.CONNECTED && pingNanos > 0 && nowNanos - lastSentNanos >= pingNanos) {
      sendTunPacket(DataPayload.PING_MAGIC, nowNanos, out);
      lastSentNanos = nowNanos;
    }
    if (channel != null && state == State.CONNECTED) {
      ClientKey k = sendingKey();
      channel.poll(k == null ? null : k.data, nowNanos, wire(out));
    }
  }

  /** Closes the session when a deadline passed; false if it did. */
  private boolean deadlinesMet(long nowNanos, ClientOutput<P> out) {
    Duration poll = config.serverPollTimeout();
    if (!heardFromServer && !poll.isZero() && nowNanos - startedNanos >= poll.toNanos()) {
      close(
          CloseReason.retry(
              CloseReason.Kind.SERVER_POLL_TIMEOUT,
              "no answer from the server within " + poll.toSeconds() + " s (server-poll-timeout)",
              true),
          out);
      return false;
    }
    if (state == State.HANDSHAKING && nowNanos - startedNanos >= config.handWindow().toNanos()) {
      close(
          CloseReason.retry(
              CloseReason.Kind.HANDSHAKE_TIMEOUT,
              "TLS key negotiation did not finish within "
                  + config.handWindow().toSeconds()
                  + " s (hand-window)"
                  + handshakeStage(),
              true),
          out);
      return false;
    }
    if (state == State.PULLING && nowNanos >= pushDeadlineNanos) {
      close(
          CloseReason.retry(
              CloseReason.Kind.NO_PUSH_REPLY,
              "no PUSH_REPLY from the server within "
                  + Duration.ofNanos(pushDeadlineNanos - current.startedNanos).toSeconds()
                  + " s of the handshake",
              false),
          out);
      return false;
    }
    if (state == State.CONNECTED
        && pingRestartNanos > 0
        && nowNanos - lastReceivedNanos >= pingRestartNanos) {
      close(
          CloseReason.retry(
              CloseReason.Kind.PING_RESTART,
              "nothing from the server for "
                  + Duration.ofNanos(pingRestartNanos).toSeconds()
                  + " s (ping-restart)",
              false),
          out);
      return false;
    }
    if (state == State.CONNECTED
        && current.data == null
        && nowNanos - current.startedNanos >= config.handWindow().toNanos()) {
      close(
          CloseReason.retry(
              CloseReason.Kind.RENEGOTIATION_TIMEOUT,
              "renegotiation of key id "
                  + current.keyId
                  + " did not finish within "
                  + config.handWindow().toSeconds()
                  + " s (hand-window)",
              false),
          out);
      return false;
    }
    return true;
  }

  /**
   * How far key id 0 got, for the hand-window message: a stock OpenVPN server that refuses the
   * client's certificate drops the session without sending its TLS alert, so "our TLS handshake
   * finished but no key-method message came" is the only sign of that cause.
   */
  private String handshakeStage() {
    if (serverSid == 0) {
      return ": the server never answered the reset (wrong address, port, or control-channel key)";
    }
    if (current.sent == null) {
      return ": the TLS handshake did not complete";
    }
    return ": our TLS handshake completed but the server sent no key-method message; it may have"
        + " refused this client's certificate (a stock OpenVPN server drops such clients without"
        + " telling them)";
  }

  /** When {@link #poll} must run next; Long.MAX_VALUE if never. */
  public long nextWakeupNanos() {
    if (state == State.CLOSED) {
      return Long.MAX_VALUE;
    }
    if (state == State.EXITING) {
      long wake = Math.min(exitDeadlineNanos, nextOccExitNanos);
      return exitKey == null ? wake : Math.min(wake, exitKey.reliable.nextWakeupNanos());
    }
    long wake = Long.MAX_VALUE;
    if (!heardFromServer && !config.serverPollTimeout().isZero()) {
      wake = startedNanos + config.serverPollTimeout().toNanos();
    }
    switch (state) {
      case HANDSHAKING -> wake = Math.min(wake, startedNanos + config.handWindow().toNanos());
      case PULLING -> wake = Math.min(wake, Math.min(pushDeadlineNanos, nextPushRequestNanos));
      case CONNECTED -> {
        if (pingRestartNanos > 0) {
          wake = Math.min(wake, lastReceivedNanos + pingRestartNanos);
        }
        if (pingNanos > 0) {
          wake = Math.min(wake, lastSentNanos + pingNanos);
        }
        if (current.data == null) {
          wake = Math.min(wake, current.startedNanos + config.handWindow().toNanos());
        } else {
          wake = Math.min(wake, current.renegotiateAtNanos);
        }
        if (previous != null) {
          wake = Math.min(wake, previous.retireAtNanos);
        }
        if (channel != null) {
          wake = Math.min(wake, channel.nextDeadlineNanos());
        }
      }
      default -> {}
    }
    for (ClientKey k : new ClientKey[] {current, previous}) {
      if (k != null) {
        wake = Math.min(wake, k.reliable.nextWakeupNanos());
      }
    }
    return wake;
  }

  // ---------------------------------------------------------------- renegotiation and exit

  /**
   * Starts a renegotiation now, as reaching {@code reneg-sec} would; false when the session is not
   * connected or a renegotiation is already under way.
   */
  public boolean renegotiate(long nowNanos, ClientOutput<P> out) {
    if (state != State.CONNECTED || current.data == null) {
      return false;
    }
    softReset(false, nowNanos);
    advance(current, nowNanos, out);
    flush(current, nowNanos, out);
    return true;
  }

  /**
   * Ends the session. Connected over a datagram transport with {@code explicit-exit-notify}, the
   * server is told first: {@code EXIT} over the control channel when it announced {@code cc-exit},
   * else an OCC_EXIT data packet every second; the session closes once the EXIT is acknowledged or
   * the notification time is up. Otherwise it closes at once. Either way the last event is {@link
   * ClientEvent.Closed} with {@link CloseReason.Kind#CLIENT_EXIT}.
   */
  public void close(long nowNanos, ClientOutput<P> out) {
    if (state == State.CLOSED || state == State.EXITING) {
      return;
    }
    Duration notify = config.explicitExitNotify();
    ClientKey k = sendingKey();
    if (state != State.CONNECTED || notify.isZero() || config.tcp() || k == null) {
      close(CloseReason.stop(CloseReason.Kind.CLIENT_EXIT, "closed by this client"), out);
      return;
    }
    state = State.EXITING;
    exitDeadlineNanos = nowNanos + notify.toNanos();
    if (controlChannelExit) {
      exitKey = current.phase == ClientKey.Phase.AGREED ? current : previous;
      exitKey.tls.writePlain(text("EXIT"));
      for (byte[] chunk : exitKey.tls.takeCiphertext()) {
        exitKey.reliable.send(Opcode.CONTROL_V1.value(), chunk);
      }
      flush(exitKey, nowNanos, out);
    } else {
      out.send(controlPath, k.data.seal(DataPayload.occExit()));
      nextOccExitNanos = nowNanos + OCC_EXIT_INTERVAL_NANOS;
    }
  }

  private void pollExit(long nowNanos, ClientOutput<P> out) {
    if (exitKey != null) {
      flush(exitKey, nowNanos, out);
    }
    if (nowNanos >= nextOccExitNanos && nowNanos < exitDeadlineNanos) {
      ClientKey k = current.data != null ? current : previous;
      out.send(controlPath, k.data.seal(DataPayload.occExit()));
      nextOccExitNanos = nowNanos + OCC_EXIT_INTERVAL_NANOS;
    }
    if (nowNanos >= exitDeadlineNanos) {
      close(
          CloseReason.stop(
              CloseReason.Kind.CLIENT_EXIT, "closed by this client after exit notification"),
          out);
    } else {
      finishExitIfAcknowledged(out);
    }
  }

  private void finishExitIfAcknowledged(ClientOutput<P> out) {
    if (state == State.EXITING && exitKey != null && exitKey.reliable.sender().isIdle()) {
      close(
          CloseReason.stop(
              CloseReason.Kind.CLIENT_EXIT, "closed by this client; the server acknowledged EXIT"),
          out);
    }
  }

  private void close(CloseReason reason, ClientOutput<P> out) {
    if (state != State.CLOSED) {
      state = State.CLOSED;
      closeReason = reason;
      out.event(new ClientEvent.Closed<>(reason));
    }
  }

  // ---------------------------------------------------------------- state

  /**
   * Sends control packets (and pings) on {@code path} from now on, for example when the caller's
   * path monitor finds the current one dead.
   */
  public void useControlPath(P path) {
    controlPath = path;
  }

  public P controlPath() {
    return controlPath;
  }

  /**
   * Paths an authenticated packet from the server arrived on, with the time of the latest (most
   * recent last); at most {@link #MAX_PATHS}.
   */
  public Map<P, Long> heardPaths() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(heard));
  }

  public boolean isConnected() {
    return state == State.CONNECTED;
  }

  public boolean isClosed() {
    return state == State.CLOSED;
  }

  /** Why the session ended; null while it lives. */
  public CloseReason closeReason() {
    return closeReason;
  }

  /** What the server pushed; null until connected. */
  public PushedOptions pushedOptions() {
    return pushed;
  }

  /** The data cipher in use; null until connected. */
  public AeadCipher cipher() {
    return cipher;
  }

  /** The pushed DATA_V2 peer id; -1 until connected. */
  public int peerId() {
    return peerId;
  }

  /** Whether the server accepted Braid multipath. */
  public boolean multipath() {
    return multipath;
  }

  // ---------------------------------------------------------------- multipath

  /**
   * Declares one path of this site (an uplink towards the server's address) for multipath. Before
   * the session is connected it is remembered; once the hub agreed to multipath it is probed and
   * scheduled at once. Ignored while the session runs single-path. Declaring a path again changes
   * nothing.
   */
  public void addPath(P path, PathSpec spec, long nowNanos) {
    declaredPaths.putIfAbsent(path, spec);
    if (channel != null) {
      channel.addPath(path, declaredPaths.get(path), nowNanos);
    }
  }

  /** Withdraws a path (its uplink or address went away). */
  public void removePath(P path) {
    declaredPaths.remove(path);
    if (channel != null) {
      channel.removePath(path);
    }
  }

  /**
   * Every path's state (RTT, loss, rate, bytes, probes) and the scheduler's and reorder buffer's
   * counters; null unless multipath is on. Call on the owner thread; the result is immutable.
   */
  public MultipathChannel.Snapshot<P> multipathSnapshot(long nowNanos) {
    return channel == null ? null : channel.snapshot(nowNanos);
  }

  private void startMultipath(long nowNanos) {
    channel = new MultipathChannel<>(config.multipathSettings(), false, nowNanos);
    if (declaredPaths.isEmpty()) {
      declaredPaths.put(controlPath, PathSpec.uplink(String.valueOf(controlPath), 0, 1, false));
    }
    declaredPaths.forEach((path, spec) -> channel.addPath(path, spec, nowNanos));
  }

  /**
   * The channel's output into {@code out}, the output of the current call. The caller's loop passes
   * the same output to every call, so the wire is made once, not per packet.
   */
  private MultipathChannel.Wire<P> wire(ClientOutput<P> out) {
    if (out != wiredOutput) {
      wiredOutput = out;
      wire =
          MultipathChannel.Wire.of(out::send, r -> onPayload(r.opened(), r.path(), r.keyId(), out));
    }
    return wire;
  }

  /** Whether the data keys come from TLS keying-material export. */
  public boolean tlsKeyExport() {
    return keyExport;
  }

  /** This session's id (what the server knows it by). */
  public long sessionId() {
    return clientSid;
  }

  /** The current key id (0 until the first renegotiation). */
  public int keyId() {
    return current.keyId;
  }

  /** Renegotiations that installed new keys, both ways. */
  public int renegotiations() {
    return renegotiations;
  }

  /** The peer-info this client sends (what {@code IV_*} variables it announces). */
  public String peerInfo() {
    return PeerInfo.of(config);
  }

  // ---------------------------------------------------------------- helpers

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static long seconds(int s) {
    return s * 1_000_000_000L;
  }

  private static byte[] text(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, b.length);
    return out;
  }
}
