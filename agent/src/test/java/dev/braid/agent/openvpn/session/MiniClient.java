package dev.braid.agent.openvpn.session;

import dev.braid.agent.openvpn.data.AeadDataChannel;
import dev.braid.agent.openvpn.data.DataPayload;
import dev.braid.agent.openvpn.keys.AeadCipher;
import dev.braid.agent.openvpn.keys.DataKeyMaterial;
import dev.braid.agent.openvpn.keys.KeyMethod2;
import dev.braid.agent.openvpn.reliable.ReliableConfig;
import dev.braid.agent.openvpn.reliable.ReliableEndpoint;
import dev.braid.agent.openvpn.reliable.ReliableReceiver;
import dev.braid.agent.openvpn.reliable.Segment;
import dev.braid.agent.openvpn.replay.ReplayWindow;
import dev.braid.agent.openvpn.tls.TlsPump;
import dev.braid.agent.openvpn.tlswrap.ControlWrap;
import dev.braid.agent.openvpn.wire.ControlCodec;
import dev.braid.agent.openvpn.wire.ControlPacket;
import dev.braid.agent.openvpn.wire.Decoded;
import dev.braid.agent.openvpn.wire.Opcode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLEngine;

/** A minimal OpenVPN client built from the same stages, to drive the server in memory. */
public final class MiniClient {
  final long sid = 0x0C11E47000000000L | (System.nanoTime() & 0xFFFFFF);
  private final ControlWrap wrap;
  private final Supplier<SSLEngine> engines;
  private final boolean tlsKeyExport;
  private final ReliableConfig reliableConfig;
  private int replayId;
  long serverSid;
  private int keyId;
  private ReliableEndpoint reliable;
  private TlsPump tls;
  private boolean tlsStarted;
  private boolean keyMethodSent;
  private boolean serverKeyMethodSeen;
  private boolean pushRequested;
  private final ByteArrayOutputStream plain = new ByteArrayOutputStream();
  private KeyMethod2.ClientMessage myKm;
  public String pushReply;

  /** Peer-info lines added to the stock ones (e.g. {@code IV_BRAID_MP=2\n}). */
  String extraPeerInfo = "";

  public AeadDataChannel data;
  AeadDataChannel oldData;
  public final List<byte[]> received = new ArrayList<>();
  private final ReplayWindow replay = ReplayWindow.openvpnDefault();

  /** Server control packets dropped for a replayed or too old replay id. */
  int replayDrops;

  /** Control-channel text messages other than PUSH_REPLY (AUTH_FAILED, RESTART, ...). */
  final List<String> messages = new ArrayList<>();

  public MiniClient(ControlWrap wrap, Supplier<SSLEngine> engines, boolean tlsKeyExport) {
    // sends every packet once, like a stock client, so server-side redundancy shows on its own
    this(wrap, engines, tlsKeyExport, ReliableConfig.braid().withoutRedundancy());
  }

  /** A client whose reliable layer behaves as {@code reliableConfig} says (upstream26: stock). */
  MiniClient(
      ControlWrap wrap,
      Supplier<SSLEngine> engines,
      boolean tlsKeyExport,
      ReliableConfig reliableConfig) {
    this.wrap = wrap;
    this.engines = engines;
    this.tlsKeyExport = tlsKeyExport;
    this.reliableConfig = reliableConfig;
    newKeyState(0);
  }

  /** The current key's reliable layer. */
  ReliableEndpoint reliable() {
    return reliable;
  }

  private void newKeyState(int id) {
    keyId = id;
    reliable = new ReliableEndpoint(reliableConfig);
    tls = new TlsPump(engines.get(), 1000);
    tlsStarted = false;
    keyMethodSent = false;
    serverKeyMethodSeen = false;
    plain.reset();
  }

  public void start() {
    reliable.send(Opcode.CONTROL_HARD_RESET_CLIENT_V2.value(), new byte[0]);
  }

  /** Starts renegotiation with the next key id (soft reset and new TLS). */
  void softReset() {
    oldData = data;
    newKeyState(keyId + 1);
    reliable.send(Opcode.CONTROL_SOFT_RESET_V1.value(), new byte[0]);
    startTls();
  }

  public boolean connected() {
    return data != null && pushReply != null;
  }

  public void receive(byte[] d, long now) {
    if (Opcode.ofFirstByte(d[0]) == Opcode.DATA_V2) {
      AeadDataChannel.Opened o = data.open(d, 0, d.length, now).value();
      if (o != null && o.kind() == DataPayload.IP_PACKET) {
        received.add(o.plain());
      }
      return;
    }
    Decoded<ControlWrap.Unwrapped> u = wrap.unwrap(d, 0, d.length);
    if (!u.isOk()) {
      throw new AssertionError("client could not unwrap: " + u.drop());
    }
    // a stock client checks the replay id of every wrapped packet and drops repeats
    if (replay.check(u.value().epoch(), u.value().packetId(), now) != null) {
      replayDrops++;
      return;
    }
    replay.accept(u.value().epoch(), u.value().packetId(), now);
    ControlPacket p = ControlCodec.decode(u.value().plain(), 0, u.value().plain().length).value();
    if (p.opcode() == Opcode.CONTROL_HARD_RESET_SERVER_V2) {
      serverSid = p.sessionId();
    }
    if (p.opcode() == Opcode.CONTROL_SOFT_RESET_V1 && p.keyId() == (keyId == 7 ? 1 : keyId + 1)) {
      softReset(); // the server renegotiates: answer with our own soft reset and a new TLS
    }
    if (p.keyId() != keyId) {
      return;
    }
    reliable.receive(
        new Segment(
            p.opcode().value(), p.opcode().carriesMessage(), p.messageId(), p.acks(), p.payload()),
        now);
    ReliableReceiver.Message m;
    while ((m = reliable.nextMessage()) != null) {
      if (m.opcode() == Opcode.CONTROL_V1.value()) {
        tls.receiveCiphertext(m.payload());
      } else if (m.opcode() == Opcode.CONTROL_HARD_RESET_SERVER_V2.value()) {
        startTls();
      }
    }
    advance();
  }

  private void startTls() {
    tlsStarted = true;
    advance();
  }

  private void advance() {
    if (!tlsStarted) {
      return;
    }
    if (tls.handshakeComplete() && !keyMethodSent) {
      String info =
          "IV_VER=2.6.99\nIV_PLAT=test\nIV_NCP=2\nIV_CIPHERS=CHACHA20-POLY1305:AES-256-GCM\nIV_PROTO="
              + (tlsKeyExport ? 990 : 982)
              + "\n"
              + extraPeerInfo;
      myKm =
          new KeyMethod2.ClientMessage(
              bytes(48, 1), bytes(32, 2), bytes(32, 3), "V4,dev-type tun,tls-client", "", "", info);
      tls.writePlain(KeyMethod2.clientMessage(myKm));
      keyMethodSent = true;
    }
    plain.writeBytes(tls.takePlain());
    byte[] all = plain.toByteArray();
    if (keyMethodSent && !serverKeyMethodSeen && all.length >= 75) {
      serverKeyMethodSeen = true;
      byte[] r1 = Arrays.copyOfRange(all, 5, 37);
      byte[] r2 = Arrays.copyOfRange(all, 37, 69);
      int optLen = (all[69] & 0xFF) << 8 | all[70] & 0xFF;
      int consumed = 71 + optLen + 6;
      plain.reset();
      plain.write(all, consumed, all.length - consumed);
      serverRandoms = new byte[][] {r1, r2};
      if (keyId == 0 && !pushRequested) {
        tls.writePlain("PUSH_REQUEST\0".getBytes(StandardCharsets.US_ASCII));
        pushRequested = true;
      } else if (keyId > 0) {
        deriveKeys();
      }
    }
    all = plain.toByteArray();
    int nul = indexOf(all, (byte) 0);
    if (nul >= 0) {
      String msg = new String(all, 0, nul, StandardCharsets.UTF_8);
      plain.reset();
      plain.write(all, nul + 1, all.length - nul - 1);
      if (msg.startsWith("PUSH_REPLY")) {
        pushReply = msg;
        deriveKeys();
      } else {
        messages.add(msg);
      }
    }
    for (byte[] chunk : tls.takeCiphertext()) {
      reliable.send(Opcode.CONTROL_V1.value(), chunk);
    }
  }

  private byte[][] serverRandoms;

  private void deriveKeys() {
    String cipherName = option("cipher");
    AeadCipher cipher =
        Arrays.stream(AeadCipher.values())
            .filter(c -> c.openvpnName().equals(cipherName))
            .findFirst()
            .orElseThrow();
    int peerId = Integer.parseInt(option("peer-id"));
    DataKeyMaterial keys;
    try {
      keys =
          pushReply.contains("tls-ekm")
              ? DataKeyMaterial.exported((ExtendedSSLSession) tls.session())
              : DataKeyMaterial.prf(myKm, serverRandoms[0], serverRandoms[1], sid, serverSid);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    // client is the mirror image of the server
    data =
        new AeadDataChannel(
            cipher,
            keys.serverDecryptKey(cipher),
            keys.serverDecryptImplicitIv(),
            keys.serverEncryptKey(cipher),
            keys.serverEncryptImplicitIv(),
            keyId,
            peerId);
  }

  public String option(String name) {
    for (String o : pushReply.split(",")) {
      if (o.startsWith(name + " ")) {
        return o.substring(name.length() + 1);
      }
    }
    throw new AssertionError("PUSH_REPLY lacks " + name + ": " + pushReply);
  }

  /** Control packets due now. */
  public List<byte[]> poll(long now) {
    List<byte[]> out = new ArrayList<>();
    for (Segment s : reliable.poll(now)) {
      Opcode op = s.hasMessage() ? Opcode.ofValue(s.opcode()) : Opcode.ACK_V1;
      ControlPacket cp =
          new ControlPacket(op, keyId, sid, s.acks(), serverSid, s.messageId(), s.payload());
      out.add(wrap.wrap(ControlCodec.encode(cp), 0x60000000L, ++replayId));
    }
    return out;
  }

  public long nextWakeupNanos() {
    return reliable.nextWakeupNanos();
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) seed);
    return b;
  }

  private static int indexOf(byte[] b, byte v) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }
}
