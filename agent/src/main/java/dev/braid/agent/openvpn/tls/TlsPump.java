package dev.braid.agent.openvpn.tls;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * Drives one {@link SSLEngine} without I/O: ciphertext from the peer goes in via {@link
 * #receiveCiphertext}, ciphertext for the peer comes out of {@link #takeCiphertext} in chunks that
 * fit one control packet; plaintext goes through {@link #writePlain}/{@link #takePlain}. Delegated
 * tasks run inline. A TLS failure is kept ({@link #failure()}) and its alert is still emitted. Not
 * thread-safe.
 */
public final class TlsPump {
  private final SSLEngine engine;
  private final int maxChunk;
  private ByteBuffer netIn;
  private ByteBuffer appIn;
  private final ByteArrayOutputStream netOut = new ByteArrayOutputStream();
  private final ByteArrayOutputStream plainIn = new ByteArrayOutputStream();
  private final ByteArrayOutputStream plainOut = new ByteArrayOutputStream();
  private SSLException failure;
  private boolean started;
  private boolean finished;

  /**
   * @param maxChunk largest ciphertext chunk per control message (tls-mtu minus packet overhead)
   */
  public TlsPump(SSLEngine engine, int maxChunk) {
    this.engine = engine;
    this.maxChunk = maxChunk;
    SSLSession s = engine.getSession();
    this.netIn = ByteBuffer.allocate(s.getPacketBufferSize());
    this.appIn = ByteBuffer.allocate(s.getApplicationBufferSize());
  }

  /** Feeds ciphertext received in order from the peer. */
  public void receiveCiphertext(byte[] data) {
    if (netIn.remaining() < data.length) {
      ByteBuffer bigger = ByteBuffer.allocate(netIn.position() + data.length + 4096);
      netIn.flip();
      bigger.put(netIn);
      netIn = bigger;
    }
    netIn.put(data);
    pump();
  }

  /** Queues plaintext for the peer; sent once the handshake allows. */
  public void writePlain(byte[] data) {
    plainOut.writeBytes(data);
    pump();
  }

  /** Ciphertext produced so far, split into control-message sized chunks. */
  public List<byte[]> takeCiphertext() {
    pump();
    byte[] all = netOut.toByteArray();
    netOut.reset();
    List<byte[]> chunks = new ArrayList<>();
    for (int i = 0; i < all.length; i += maxChunk) {
      chunks.add(Arrays.copyOfRange(all, i, Math.min(all.length, i + maxChunk)));
    }
    return chunks;
  }

  /** All plaintext received since the last call. */
  public byte[] takePlain() {
    byte[] b = plainIn.toByteArray();
    plainIn.reset();
    return b;
  }

  public boolean handshakeComplete() {
    return finished && failure == null;
  }

  public SSLSession session() {
    return engine.getSession();
  }

  /**
   * The common name in the peer's certificate once the handshake completed, or null (no handshake
   * yet, no certificate, or no CN): the name OpenVPN servers know a client by.
   */
  public String peerCommonName() {
    if (!handshakeComplete()) {
      return null;
    }
    try {
      var chain = engine.getSession().getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        return null;
      }
      String dn = leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
      for (Rdn rdn : new LdapName(dn).getRdns().reversed()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
      return null;
    } catch (SSLPeerUnverifiedException | InvalidNameException e) {
      return null;
    }
  }

  /** The TLS failure that ended this exchange, or null. */
  public SSLException failure() {
    return failure;
  }

  private void pump() {
    if (!started) {
      try {
        engine.beginHandshake();
      } catch (SSLException e) {
        failure = e;
      }
      started = true;
    }
    boolean progress = true;
    while (progress) {
      progress = false;
      HandshakeStatus hs = engine.getHandshakeStatus();
      if (hs == HandshakeStatus.NEED_TASK) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
          task.run();
        }
        progress = true;
        continue;
      }
      if (hs == HandshakeStatus.NEED_WRAP
          || (hs == HandshakeStatus.NOT_HANDSHAKING && plainOut.size() > 0 && failure == null)) {
        progress = wrap();
        continue;
      }
      if (failure == null && netIn.position() > 0) {
        progress = unwrap();
      }
    }
  }

  private boolean wrap() {
    ByteBuffer src = ByteBuffer.wrap(plainOut.toByteArray());
    ByteBuffer dst = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    try {
      SSLEngineResult r = engine.wrap(src, dst);
      finished |= r.getHandshakeStatus() == HandshakeStatus.FINISHED;
      int consumed = r.bytesConsumed();
      if (consumed > 0) {
        byte[] rest = Arrays.copyOfRange(src.array(), consumed, src.limit());
        plainOut.reset();
        plainOut.writeBytes(rest);
      }
      netOut.write(dst.array(), 0, dst.position());
      return r.bytesProduced() > 0 || consumed > 0;
    } catch (SSLException e) {
      failure = failure == null ? e : failure;
      return false;
    }
  }

  private boolean unwrap() {
    netIn.flip();
    try {
      SSLEngineResult r = engine.unwrap(netIn, appIn);
      finished |= r.getHandshakeStatus() == HandshakeStatus.FINISHED;
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
        return true;
      }
      appIn.flip();
      plainIn.write(appIn.array(), appIn.position(), appIn.remaining());
      appIn.clear();
      return r.getStatus() == SSLEngineResult.Status.OK
          && (r.bytesConsumed() > 0 || r.bytesProduced() > 0);
    } catch (SSLException e) {
      failure = e;
      return true; // the engine now wants to wrap its alert
    } finally {
      netIn.compact();
    }
  }

  private static ByteBuffer grow(ByteBuffer b, int extra) {
    ByteBuffer bigger = ByteBuffer.allocate(b.capacity() + extra);
    b.flip();
    bigger.put(b);
    return bigger;
  }
}
