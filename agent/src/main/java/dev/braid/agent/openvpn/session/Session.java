package dev.braid.agent.openvpn.session;

import dev.braid.agent.openvpn.data.AeadDataChannel;
import dev.braid.agent.openvpn.data.DataPayload;
import dev.braid.agent.openvpn.keys.AeadCipher;
import dev.braid.agent.openvpn.keys.DataKeyMaterial;
import dev.braid.agent.openvpn.keys.KeyMethod2;
import dev.braid.agent.openvpn.multipath.MultipathChannel;
import dev.braid.agent.openvpn.multipath.MultipathNegotiation;
import dev.braid.agent.openvpn.push.AddressPool;
import dev.braid.agent.openvpn.push.PushReply;
import dev.braid.agent.openvpn.reliable.ReliableEndpoint;
import dev.braid.agent.openvpn.reliable.ReliableReceiver;
import dev.braid.agent.openvpn.reliable.Segment;
import dev.braid.agent.openvpn.reliable.SenderCounters;
import dev.braid.agent.openvpn.replay.ReplayWindow;
import dev.braid.agent.openvpn.tls.PeerIdentity;
import dev.braid.agent.openvpn.tls.TlsPump;
import dev.braid.agent.openvpn.tlswrap.ControlWrap;
import dev.braid.agent.openvpn.wire.ControlCodec;
import dev.braid.agent.openvpn.wire.ControlPacket;
import dev.braid.agent.openvpn.wire.Decoded;
import dev.braid.agent.openvpn.wire.DropReason;
import dev.braid.agent.openvpn.wire.Opcode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * One client's session on the server. Driven by its {@link ServerSessions} table from one worker
 * thread. Keeps the current key state and, during a renegotiation's transition window, the previous
 * one. Replies go to the path the latest authenticated packet came over, except for a Braid site
 * that negotiated multipath: its tunnel packets are scheduled over every path it was heard on, by a
 * {@link MultipathChannel} that also probes those paths and reorders what arrives. Settings pushed
 * at connect (ciphers, routes, keepalive) and the control-channel key stay those the session
 * started with; each renegotiation takes the TLS context (certificate, CA, CRL) that is live at
 * that time.
 */
public final class Session<P> {
  private static final int IV_PROTO_REQUEST_PUSH = 4;
  private static final int IV_PROTO_TLS_KEY_EXPORT = 8;
  private static final long PUSH_REPEAT_NANOS = 30_000_000_000L;
  private static final int MAX_PATHS = 4;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long NO_WRAP_EPOCH = -1;

  /** How long a session told to go away keeps its control channel for the message's ACK. */
  static final long GOODBYE_NANOS = 5_000_000_000L;

  /** Replay id a 2.6 client wraps its hard reset with (its first control datagram). */
  private static final long FIRST_CLIENT_WRAP_ID = 1;

  enum State {
    HANDSHAKING,
    ESTABLISHED,
    /** Told to go away: no tunnel traffic, the control channel delivers the notice, then closed. */
    CLOSING,
    CLOSED
  }

  private final ServerConfig config;
  private final Supplier<ServerConfig> live;
  private final long serverSid;
  private final long clientSid;
  private final int peerId;
  private final AddressPool pool;
  private AddressPool.Lease lease;
  private final ReplayWindow controlReplay = ReplayWindow.openvpnDefault();
  private final long replayEpoch;
  private final List<P> paths = new ArrayList<>();
  private MultipathChannel<P> channel;
  private Output<P> wiredOutput;
  private MultipathChannel.Wire<P> wire;
  private int sendReplayId;
  private KeyState current;
  private KeyState previous;
  private State state = State.HANDSHAKING;
  private AeadCipher cipher;
  private String commonName;
  private long establishedWallSeconds;
  private long lastReceivedNanos;
  private long authenticatedData;
  private boolean pushed;
  private long pushedAtNanos;
  private long lastSentNanos;
  private final long handshakeDeadlineNanos;
  private long wrapEpoch = NO_WRAP_EPOCH;
  private long highestWrapId;
  private boolean wrapGapSeen;
  private KeyState goodbyeKey;
  private long goodbyeDeadlineNanos;
  private String goodbyeReason;
  private int serverRenegotiations;
  private final SenderCounters controlCounters;
  private final double renegotiateDraw =
      java.util.concurrent.ThreadLocalRandom.current().nextDouble();

  Session(
      ServerConfig config,
      Supplier<ServerConfig> live,
      long serverSid,
      long clientSid,
      int peerId,
      AddressPool pool,
      P path,
      long replayEpoch,
      long nowNanos,
      SenderCounters controlCounters) {
    this.controlCounters = controlCounters;
    this.config = config;
    this.live = live;
    this.serverSid = serverSid;
    this.clientSid = clientSid;
    this.peerId = peerId;
    this.pool = pool;
    this.replayEpoch = replayEpoch;
    this.paths.add(path);
    this.lastReceivedNanos = nowNanos;
    this.lastSentNanos = nowNanos;
    this.handshakeDeadlineNanos = nowNanos + config.handWindow().toNanos();
  }

  /**
   * Starts key id 0 as if the stateless reset exchange had happened in this state: the client's
   * reset (id 0) received and ACKed, our reset reply (id 0) sent.
   */
  void startFromCookie(long nowNanos) {
    current = newKeyState(0, nowNanos);
    current.reliable.receive(
        Segment.message(Opcode.CONTROL_HARD_RESET_CLIENT_V2.value(), 0, new int[0], new byte[0]),
        nowNanos);
    current.reliable.send(Opcode.CONTROL_HARD_RESET_SERVER_V2.value(), new byte[0]);
    current.reliable.poll(nowNanos); // already on the wire, statelessly
    current.reliable.nextMessage();
  }

  private KeyState newKeyState(int keyId, long nowNanos) {
    return new KeyState(
        keyId,
        new ReliableEndpoint(config.reliable(), controlCounters),
        new TlsPump(live.get().tls().newEngine(), config.tlsChunk()),
        nowNanos);
  }

  public long serverSessionId() {
    return serverSid;
  }

  public long clientSessionId() {
    return clientSid;
  }

  public int peerId() {
    return peerId;
  }

  /** The client's IPv4 tunnel address; null until the session has one (at PUSH_REPLY). */
  public String clientAddress() {
    return lease == null ? null : lease.ipv4Text();
  }

  /** The client's IPv6 tunnel address; null without one. */
  public String clientAddress6() {
    return lease == null ? null : lease.ipv6();
  }

  /** The tunnel addresses held, for release once the session is gone; null if none. */
  AddressPool.Lease lease() {
    return lease;
  }

  /** The control-channel protection this session's client uses (fixed at its start). */
  ControlWrap wrap() {
    return config.wrap();
  }

  /**
   * The client's certificate from the latest completed TLS handshake (the current key's, else the
   * previous key's), or null before the first handshake completes.
   */
  public X509Certificate clientCertificate() {
    for (KeyState ks : new KeyState[] {current, previous}) {
      if (ks != null && ks.tls.handshakeComplete()) {
        try {
          Certificate[] chain = ks.tls.session().getPeerCertificates();
          if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
            return leaf;
          }
        } catch (SSLPeerUnverifiedException e) {
          // no peer certificate in this key's session: try the other key
        }
      }
    }
    return null;
  }

  /**
   * Ends the session from the server side, the way an OpenVPN server does for a killed client:
   * {@code notice} (for example {@code AUTH_FAILED,...} or {@code RESTART}) goes over the control
   * channel of the key with agreed data keys, tunnel traffic stops at once, and the session closes
   * with {@code reason} when the notice is acknowledged or after {@link #GOODBYE_NANOS}. A session
   * without agreed keys closes at once.
   */
  public void goAway(String notice, String reason, long nowNanos, Output<P> out) {
    if (state == State.CLOSED || state == State.CLOSING) {
      return;
    }
    KeyState ks =
        current != null && current.phase == KeyState.Phase.KEYS_AGREED
            ? current
            : previous != null && previous.phase == KeyState.Phase.KEYS_AGREED ? previous : null;
    if (ks == null) {
      close(reason, out);
      return;
    }
    state = State.CLOSING;
    goodbyeKey = ks;
    goodbyeReason = reason;
    goodbyeDeadlineNanos = nowNanos + GOODBYE_NANOS;
    ks.tls.writePlain(text(notice));
    for (byte[] chunk : ks.tls.takeCiphertext()) {
      ks.reliable.send(Opcode.CONTROL_V1.value(), chunk);
    }
    flush(ks, nowNanos, out);
  }

  /** Data packets from the client that authenticated and passed replay checks. */
  public long authenticatedDataPackets() {
    return authenticatedData;
  }

  /** The client certificate's common name, known once its TLS handshake completed; else null. */
  public String commonName() {
    return commonName;
  }

  /** The data-channel cipher agreed with the client ({@code AES-256-GCM}...), or null before. */
  public String cipher() {
    return cipher == null ? null : cipher.openvpnName();
  }

  /** Wall-clock second the session was established (PUSH_REPLY sent), or 0 before. */
  public long establishedWallSeconds() {
    return establishedWallSeconds;
  }

  public boolean isEstablished() {
    return state == State.ESTABLISHED;
  }

  public boolean isClosed() {
    return state == State.CLOSED;
  }

  /** Paths this session was reached over, most recent first. */
  public List<P> paths() {
    return List.copyOf(paths);
  }

  /** Replay check of a wrapped control packet's id; null if fresh (and then recorded). */
  DropReason acceptControlReplayId(long epoch, int packetId, long nowNanos) {
    if (epoch == 0 && packetId == 0) {
      return null; // unwrapped control channel: nothing to check
    }
    DropReason r = controlReplay.check(epoch, packetId, nowNanos);
    if (r == null) {
      controlReplay.accept(epoch, packetId, nowNanos);
      noteWrapIdGap(epoch, Integer.toUnsignedLong(packetId));
    }
    return r;
  }

  /**
   * The client numbers every control datagram it sends (tls-auth/tls-crypt replay id), pure ACKs
   * and retransmits included, so a skipped id shows a lost client packet (or a retransmitted reset)
   * before the reliable layer could notice: a lost pure ACK, for example, is otherwise only seen
   * when our retransmit timer fires. Reordering looks the same; it only makes us send copies.
   */
  private void noteWrapIdGap(long epoch, long id) {
    if (wrapEpoch == NO_WRAP_EPOCH) {
      wrapEpoch = epoch;
      highestWrapId = FIRST_CLIENT_WRAP_ID; // its reset; the cookie-echoing packet should be next
    } else if (epoch != wrapEpoch) {
      wrapEpoch = epoch; // the client's id space restarted: no gap to judge
      highestWrapId = id - 1;
    }
    if (id > highestWrapId + 1) {
      wrapGapSeen = true;
    }
    highestWrapId = Math.max(highestWrapId, id);
  }

  void onControl(ControlPacket p, P path, long nowNanos, Output<P> out) {
    if (state == State.CLOSED) {
      return;
    }
    KeyState ks = keyStateFor(p, nowNanos, out);
    if (ks == null) {
      return;
    }
    usePath(path);
    lastReceivedNanos = nowNanos;
    if (wrapGapSeen) {
      ks.reliable.noteLoss();
      wrapGapSeen = false;
    }
    ks.reliable.receive(
        new Segment(
            p.opcode().value(), p.opcode().carriesMessage(), p.messageId(), p.acks(), p.payload()),
        nowNanos);
    ReliableReceiver.Message m;
    while ((m = ks.reliable.nextMessage()) != null) {
      if (m.opcode() == Opcode.CONTROL_V1.value()) {
        ks.tls.receiveCiphertext(m.payload());
      }
    }
    advance(ks, nowNanos, out);
    ks.reliable.expectPeer(clientOwesMessage(ks), nowNanos);
    flush(ks, nowNanos, out);
    if (state == State.CLOSING && goodbyeKey.reliable.sender().isIdle()) {
      close(goodbyeReason, out); // the client acknowledged the notice
    }
  }

  /**
   * True while this key cannot go on without a message from the client: its TLS flight or
   * key-method message, or (for a client that did not announce it wants the reply unasked) its
   * PUSH_REQUEST. The reliable layer nudges the client when such a message is overdue.
   */
  private boolean clientOwesMessage(KeyState ks) {
    if (state == State.CLOSING || state == State.CLOSED) {
      return false;
    }
    return ks.phase == KeyState.Phase.TLS
        || ks.phase == KeyState.Phase.KEYS_AGREED && ks.keyId == 0 && !pushed;
  }

  private KeyState keyStateFor(ControlPacket p, long nowNanos, Output<P> out) {
    int keyId = p.keyId();
    if (current != null && current.keyId == keyId) {
      return current;
    }
    if (previous != null && previous.keyId == keyId) {
      return previous;
    }
    if (p.opcode() == Opcode.CONTROL_SOFT_RESET_V1
        && p.messageId() == 0
        && state == State.ESTABLISHED) {
      softReset(keyId, nowNanos);
      return current;
    }
    out.drop(DropReason.UNKNOWN_KEY_ID);
    return null;
  }

  /**
   * Starts key {@code keyId}: the current key becomes the previous one, still decrypting (and
   * encrypting until the new keys are agreed) through the transition window, and our soft reset
   * goes out as message 0 of the new key (an answer to the client's, or the start when ours).
   */
  private void softReset(int keyId, long nowNanos) {
    previous = current;
    previous.retireAtNanos = nowNanos + config.transitionWindow().toNanos();
    current = newKeyState(keyId, nowNanos);
    current.reliable.send(Opcode.CONTROL_SOFT_RESET_V1.value(), new byte[0]);
  }

  /** Key ids run 0, 1, ..., 7, then 1 again (0 only ever follows a hard reset). */
  private static int nextKeyId(int keyId) {
    return keyId == 7 ? 1 : keyId + 1;
  }

  /** When the current key is old enough to be renegotiated by us; MAX_VALUE if never. */
  private long renegotiateAtNanos() {
    if (state != State.ESTABLISHED
        || config.renegotiate().isZero()
        || current.phase != KeyState.Phase.KEYS_AGREED) {
      return Long.MAX_VALUE;
    }
    return current.agreedNanos + jitteredAge(config.renegotiate().toNanos(), renegotiateDraw);
  }

  /**
   * A server's key age limit, spread per session uniformly between 90% and 100% of {@code ageNanos}
   * as OpenVPN 2.6 does for servers ({@code reneg-sec max}, min defaulting to 90% of max), so that
   * clients that connected together (after a gateway restart) do not all renegotiate in the same
   * second. {@code draw} is uniform in [0, 1).
   */
  static long jitteredAge(long ageNanos, double draw) {
    return ageNanos - (long) (ageNanos * 0.1 * (1 - draw));
  }

  /** Soft resets this server started because a key reached its age limit. */
  public int serverRenegotiations() {
    return serverRenegotiations;
  }

  /** Moves the key state forward as far as TLS plaintext allows. */
  private void advance(KeyState ks, long nowNanos, Output<P> out) {
    if (ks.tls.failure() != null && ks.phase != KeyState.Phase.FAILED) {
      ks.phase = KeyState.Phase.FAILED;
      for (byte[] chunk : ks.tls.takeCiphertext()) {
        ks.reliable.send(Opcode.CONTROL_V1.value(), chunk); // the alert
      }
      close("TLS error: " + ks.tls.failure().getMessage(), out);
      return;
    }
    ks.plain.writeBytes(ks.tls.takePlain());
    if (ks.phase == KeyState.Phase.TLS && ks.tls.handshakeComplete() && ks.plain.size() > 0) {
      KeyMethod2.Parsed parsed = KeyMethod2.parseClient(ks.plain.toByteArray());
      ks.plain.reset();
      if (parsed.error() != null) {
        close(parsed.error(), out);
        return;
      }
      ks.client = parsed.message();
      if (commonName == null) {
        commonName = ks.tls.peerCommonName();
      }
      ks.serverRandom1 = random(KeyMethod2.RANDOM);
      ks.serverRandom2 = random(KeyMethod2.RANDOM);
      if (!agreeKeys(ks, nowNanos, out)) {
        return;
      }
      ks.tls.writePlain(
          KeyMethod2.serverMessage(ks.serverRandom1, ks.serverRandom2, optionsString()));
      ks.phase = KeyState.Phase.KEYS_AGREED;
      ks.agreedNanos = nowNanos;
      if (ks.keyId != 0) {
        out.event(new SessionEvent.Renegotiated(this, ks.keyId, ks.startedByServer));
      }
    }
    if (ks.phase == KeyState.Phase.KEYS_AGREED) {
      if (ks.keyId == 0 && !pushed && ks.client.protoFlag(IV_PROTO_REQUEST_PUSH)) {
        push(ks, nowNanos, out); // the client announced it wants the reply without asking
      }
      handleTextMessages(ks, nowNanos, out);
    }
    for (byte[] chunk : ks.tls.takeCiphertext()) {
      ks.reliable.send(Opcode.CONTROL_V1.value(), chunk);
    }
  }

  private boolean agreeKeys(KeyState ks, long nowNanos, Output<P> out) {
    if (ks.keyId == 0
        && config.multipath() != null
        && MultipathNegotiation.requested(ks.client.peerInfoMap())) {
      channel = new MultipathChannel<>(config.multipath(), true, nowNanos);
    }
    if (cipher == null) {
      String offered = ks.client.peerInfoMap().getOrDefault("IV_CIPHERS", "");
      Optional<AeadCipher> chosen = AeadCipher.negotiate(config.ciphers(), offered);
      if (chosen.isEmpty()) {
        close("no common data cipher in IV_CIPHERS=" + offered, out);
        return false;
      }
      cipher = chosen.get();
    }
    DataKeyMaterial keys;
    ks.exportedKeys = ks.client.protoFlag(IV_PROTO_TLS_KEY_EXPORT);
    if (ks.exportedKeys) {
      try {
        keys = DataKeyMaterial.exported((ExtendedSSLSession) ks.tls.session());
      } catch (SSLException e) {
        close("TLS keying-material export failed: " + e.getMessage(), out);
        return false;
      }
    } else {
      keys =
          DataKeyMaterial.prf(ks.client, ks.serverRandom1, ks.serverRandom2, clientSid, serverSid);
    }
    ks.data =
        new AeadDataChannel(
            cipher,
            keys.serverEncryptKey(cipher),
            keys.serverEncryptImplicitIv(),
            keys.serverDecryptKey(cipher),
            keys.serverDecryptImplicitIv(),
            ks.keyId,
            peerId,
            channel != null ? MultipathNegotiation.REPLAY_WINDOW : ReplayWindow.DEFAULT_SIZE);
    if (channel != null && ks.keyId != 0) {
      channel.keyStarted(ks.keyId, sendingData(), wire(out));
    }
    return true;
  }

  private void handleTextMessages(KeyState ks, long nowNanos, Output<P> out) {
    byte[] all = ks.plain.toByteArray();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] != 0) {
        continue;
      }
      String msg = new String(all, start, i - start, StandardCharsets.UTF_8);
      start = i + 1;
      if (msg.equals("PUSH_REQUEST")) {
        push(ks, nowNanos, out);
      } else if (msg.equals("EXIT")) {
        close("client sent EXIT", out);
      }
    }
    ks.plain.reset();
    ks.plain.write(all, start, all.length - start);
  }

  /**
   * Sends PUSH_REPLY unless one went out less than 30 s ago (upstream answers repeats the same
   * way).
   */
  private void push(KeyState ks, long nowNanos, Output<P> out) {
    if (state == State.CLOSING || pushed && nowNanos - pushedAtNanos < PUSH_REPEAT_NANOS) {
      return;
    }
    if (lease == null) {
      // Taken only now, once the certificate is verified: an unauthenticated peer holds none.
      lease = pool.lease(PeerIdentity.commonName(ks.tls.session()));
      if (lease == null) {
        ks.tls.writePlain(text("AUTH_FAILED,tunnel address pool exhausted"));
        out.drop(DropReason.POOL_EXHAUSTED);
        close("tunnel address pool exhausted", out);
        return;
      }
    }
    ks.tls.writePlain(text(pushReply(ks)));
    pushed = true;
    pushedAtNanos = nowNanos;
    if (state == State.HANDSHAKING) {
      state = State.ESTABLISHED;
      establishedWallSeconds = config.wallSeconds().getAsLong();
      out.event(new SessionEvent.Established(this, lease.ipv4Text()));
    }
  }

  private String pushReply(KeyState ks) {
    PushReply r =
        new PushReply()
            .ipv4(lease.ipv4Text(), pool.netmask(), pool.serverAddress())
            .keepalive((int) config.ping().toSeconds(), (int) config.pingRestart().toSeconds())
            .peerId(peerId)
            .cipher(cipher.openvpnName())
            .protocolFlags(ks.exportedKeys);
    if (lease.ipv6() != null) {
      r.ipv6(lease.ipv6(), pool.prefixLength6(), pool.serverAddress6());
    }
    if (config.clientReceiveBuffer() > 0) {
      r.receiveBuffer(config.clientReceiveBuffer());
    }
    config.extraPush().forEach(r::option);
    if (channel != null) {
      r.option(MultipathNegotiation.pushOption());
    }
    return r.build();
  }

  private static byte[] text(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, b.length);
    return out;
  }

  private String optionsString() {
    return "V4,dev-type tun,link-mtu 1550,tun-mtu 1500,proto UDPv4,cipher "
        + cipher.openvpnName()
        + ",auth [null-digest],keysize "
        + cipher.keyLength() * 8
        + ",key-method 2,tls-server";
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Decrypts a DATA_V2 packet whose header named this session. */
  void onData(byte[] packet, int off, int len, int keyId, P path, long nowNanos, Output<P> out) {
    KeyState ks =
        current != null && current.keyId == keyId
            ? current
            : previous != null && previous.keyId == keyId ? previous : null;
    if (ks == null || ks.data == null) {
      out.drop(DropReason.UNKNOWN_KEY_ID);
      return;
    }
    if (state == State.CLOSING) {
      out.drop(DropReason.SESSION_CLOSING);
      return;
    }
    if (channel != null) {
      DropReason r =
          channel.receive(
              ks.data, keyId, packet, off, len, path, nowNanos, sendingData(), wire(out));
      if (r != null) {
        out.drop(r); // a copy sent on several paths is counted under its own reason
        return;
      }
    } else {
      Decoded<AeadDataChannel.Opened> opened = ks.data.open(packet, off, len, nowNanos);
      if (!opened.isOk()) {
        out.drop(opened.drop());
        return;
      }
      onPayload(opened.value(), out);
    }
    usePath(path); // authenticated and fresh: the client may have floated
    lastReceivedNanos = nowNanos;
    authenticatedData++;
  }

  /** Acts on an authenticated payload (in packet-id order for a multipath session). */
  private void onPayload(AeadDataChannel.Opened opened, Output<P> out) {
    if (state == State.CLOSED || state == State.CLOSING) {
      return;
    }
    switch (opened.kind()) {
      case PING -> {}
      case OCC_EXIT -> close("client sent OCC_EXIT", out);
      case IP_PACKET -> out.event(new SessionEvent.TunPacket(this, opened.plain()));
    }
  }

  /** The data channel tunnel packets are sealed with now; null before the first keys. */
  private AeadDataChannel sendingData() {
    KeyState ks = current != null && current.data != null ? current : previous;
    return ks == null ? null : ks.data;
  }

  /** Encrypts an IP packet for the client with the current key; false if no key is ready. */
  public boolean sendToClient(byte[] ipPacket, long nowNanos, Output<P> out) {
    KeyState ks = current != null && current.data != null ? current : previous;
    if (ks == null || ks.data == null || state == State.CLOSED || state == State.CLOSING) {
      return false;
    }
    if (channel != null) {
      channel.send(ks.data, ipPacket, 0, ipPacket.length, paths.getFirst(), nowNanos, wire(out));
    } else {
      out.send(paths.getFirst(), ks.data.seal(ipPacket));
    }
    lastSentNanos = nowNanos;
    return true;
  }

  /** Whether this session is a Braid site's multipath session. */
  public boolean multipath() {
    return channel != null;
  }

  /**
   * Every path's state and the scheduler's and reorder buffer's counters; null for a single-path
   * session. Call on the owning worker; the result is immutable.
   */
  public MultipathChannel.Snapshot<P> multipathSnapshot(long nowNanos) {
    return channel == null ? null : channel.snapshot(nowNanos);
  }

  /** Timers: retransmissions, keepalive, ping-restart, hand-window, retiring the previous key. */
  void poll(long nowNanos, Output<P> out) {
    if (state == State.CLOSED) {
      return;
    }
    if (state == State.CLOSING) {
      flush(goodbyeKey, nowNanos, out);
      if (goodbyeKey.reliable.sender().isIdle() || nowNanos >= goodbyeDeadlineNanos) {
        close(goodbyeReason, out);
      }
      return;
    }
    if (state == State.HANDSHAKING && nowNanos >= handshakeDeadlineNanos) {
      close(
          "TLS key negotiation did not finish within " + config.handWindow().toSeconds() + " s",
          out);
      return;
    }
    if (nowNanos - lastReceivedNanos >= config.pingRestart().toNanos()) {
      close("no packet from client for " + config.pingRestart().toSeconds() + " s", out);
      return;
    }
    if (previous != null && nowNanos >= previous.retireAtNanos) {
      previous = null;
    }
    if (current.keyId != 0
        && current.phase == KeyState.Phase.TLS
        && nowNanos - current.startedNanos >= config.handWindow().toNanos()) {
      close(
          "renegotiation of key id "
              + current.keyId
              + " did not finish within "
              + config.handWindow().toSeconds()
              + " s",
          out);
      return;
    }
    if (nowNanos >= renegotiateAtNanos()) {
      softReset(nextKeyId(current.keyId), nowNanos);
      current.startedByServer = true;
      serverRenegotiations++;
    }
    for (KeyState ks : new KeyState[] {current, previous}) {
      if (ks != null) {
        flush(ks, nowNanos, out);
      }
    }
    if (state == State.ESTABLISHED && nowNanos - lastSentNanos >= config.ping().toNanos()) {
      sendToClient(DataPayload.PING_MAGIC, nowNanos, out);
    }
    if (channel != null && state == State.ESTABLISHED) {
      channel.poll(sendingData(), nowNanos, wire(out));
    }
  }

  /** When {@link #poll} must run next. */
  long nextWakeupNanos() {
    if (state == State.CLOSING) {
      return Math.min(goodbyeDeadlineNanos, goodbyeKey.reliable.nextWakeupNanos());
    }
    long wake =
        Math.min(
            lastReceivedNanos + config.pingRestart().toNanos(),
            lastSentNanos + config.ping().toNanos());
    if (state == State.HANDSHAKING) {
      wake = Math.min(wake, handshakeDeadlineNanos);
    }
    if (current != null && current.keyId != 0 && current.phase == KeyState.Phase.TLS) {
      wake = Math.min(wake, current.startedNanos + config.handWindow().toNanos());
    }
    wake = Math.min(wake, renegotiateAtNanos());
    for (KeyState ks : new KeyState[] {current, previous}) {
      if (ks != null) {
        wake = Math.min(wake, ks.reliable.nextWakeupNanos());
      }
    }
    if (previous != null) {
      wake = Math.min(wake, previous.retireAtNanos);
    }
    if (channel != null && state == State.ESTABLISHED) {
      wake = Math.min(wake, channel.nextDeadlineNanos());
    }
    return wake;
  }

  private void flush(KeyState ks, long nowNanos, Output<P> out) {
    for (Segment s : ks.reliable.poll(nowNanos)) {
      Opcode op = s.hasMessage() ? Opcode.ofValue(s.opcode()) : Opcode.ACK_V1;
      ControlPacket cp =
          new ControlPacket(
              op, ks.keyId, serverSid, s.acks(), clientSid, s.messageId(), s.payload());
      out.send(
          paths.getFirst(),
          config.wrap().wrap(ControlCodec.encode(cp), replayEpoch, ++sendReplayId));
      lastSentNanos = nowNanos;
    }
  }

  private void usePath(P path) {
    if (!paths.isEmpty() && paths.getFirst().equals(path)) {
      return;
    }
    paths.remove(path);
    paths.addFirst(path);
    if (paths.size() > MAX_PATHS) {
      paths.removeLast();
    }
  }

  /**
   * The channel's output into {@code out}, the output of the current call. A worker passes the same
   * output to every call, so the wire is made once, not per packet.
   */
  private MultipathChannel.Wire<P> wire(Output<P> out) {
    if (out != wiredOutput) {
      wiredOutput = out;
      wire = MultipathChannel.Wire.of(out::send, r -> onPayload(r.opened(), out));
    }
    return wire;
  }

  /** Closes the session now, telling the client nothing; see {@link ServerSessions#close}. */
  void closeNow(String reason, Output<P> out) {
    close(reason, out);
  }

  private void close(String reason, Output<P> out) {
    if (state != State.CLOSED) {
      state = State.CLOSED;
      out.event(new SessionEvent.Closed(this, reason));
    }
  }
}
