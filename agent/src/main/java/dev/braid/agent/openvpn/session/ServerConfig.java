package dev.braid.agent.openvpn.session;

import dev.braid.agent.multipath.MultipathConfig;
import dev.braid.agent.openvpn.keys.AeadCipher;
import dev.braid.agent.openvpn.reliable.ReliableConfig;
import dev.braid.agent.openvpn.tls.TlsServerContext;
import dev.braid.agent.openvpn.tlswrap.ControlWrap;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What a server session needs to know.
 *
 * @param wrap control-channel protection (tls-crypt, tls-auth or none)
 * @param tls server TLS context (requires client certificates)
 * @param ciphers data ciphers in server preference order
 * @param reliable reliable-layer tuning
 * @param handWindow time allowed from reset to working keys
 * @param ping keepalive interval pushed and used by the server
 * @param pingRestart silence after which a session is dropped
 * @param transitionWindow how long the previous key still decrypts after renegotiation
 * @param tlsChunk largest TLS ciphertext chunk per control packet
 * @param extraPush further push options (routes, dns), already formatted
 * @param wallSeconds wall-clock seconds, for the replay-id epoch of wrapped control packets
 * @param renegotiate age of a data key at which the server starts a soft reset (OpenVPN's
 *     reneg-sec); zero never
 * @param clientReceiveBuffer socket receive buffer in bytes pushed to clients as {@code rcvbuf}
 *     (their kernel caps it at its {@code net.core.rmem_max}); zero pushes none. Only for datagram
 *     transports: on a TCP socket it would switch off the kernel's buffer autotuning
 * @param multipath multipath tuning for Braid sites that announce {@code IV_BRAID_MP=1} (they get
 *     {@code braid-multipath 1} pushed, a 4096-packet replay window, and replies scheduled over
 *     every path they were heard on); null serves every client single-path. Stock clients never see
 *     it
 */
public record ServerConfig(
    ControlWrap wrap,
    TlsServerContext tls,
    List<AeadCipher> ciphers,
    ReliableConfig reliable,
    Duration handWindow,
    Duration ping,
    Duration pingRestart,
    Duration transitionWindow,
    int tlsChunk,
    List<String> extraPush,
    LongSupplier wallSeconds,
    Duration renegotiate,
    int clientReceiveBuffer,
    MultipathConfig multipath) {

  public ServerConfig {
    ciphers = List.copyOf(ciphers);
    extraPush = List.copyOf(extraPush);
    if (clientReceiveBuffer < 0) {
      throw new IllegalArgumentException(
          "clientReceiveBuffer must be >= 0, was " + clientReceiveBuffer);
    }
  }

  /** Defaults matching a stock OpenVPN 2.6 server where they matter for interop. */
  public static ServerConfig defaults(ControlWrap wrap, TlsServerContext tls) {
    return builder(wrap, tls).build();
  }

  /**
   * A builder for a server with {@code wrap} and {@code tls}, every other component at its default
   * (those of a stock OpenVPN 2.6 server where they matter for interop).
   */
  public static Builder builder(ControlWrap wrap, TlsServerContext tls) {
    Builder b = new Builder();
    b.wrap = wrap;
    b.tls = tls;
    b.ciphers =
        List.of(AeadCipher.AES_256_GCM, AeadCipher.AES_128_GCM, AeadCipher.CHACHA20_POLY1305);
    b.reliable = ReliableConfig.braid();
    b.handWindow = Duration.ofSeconds(60);
    b.ping = Duration.ofSeconds(10);
    b.pingRestart = Duration.ofSeconds(60);
    b.transitionWindow = Duration.ofSeconds(60);
    b.tlsChunk = 1000;
    b.extraPush = List.of();
    b.wallSeconds = () -> System.currentTimeMillis() / 1000;
    b.renegotiate = Duration.ofHours(1);
    b.clientReceiveBuffer = 0;
    b.multipath = MultipathConfig.defaults();
    return b;
  }

  /** A builder holding this configuration's values, to change some by name. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public ServerConfig withPing(Duration interval) {
    return toBuilder().ping(interval).build();
  }

  public ServerConfig withReliable(ReliableConfig r) {
    return toBuilder().reliable(r).build();
  }

  /** The same with another wall clock (seconds) for replay-id epochs. */
  public ServerConfig withWallSeconds(LongSupplier clock) {
    return toBuilder().wallSeconds(clock).build();
  }

  /** The same with server-initiated renegotiation every {@code interval} (zero: never). */
  public ServerConfig withRenegotiate(Duration interval) {
    return toBuilder().renegotiate(interval).build();
  }

  /** The same pushing {@code rcvbuf bytes} to clients (zero: nothing). */
  public ServerConfig withClientReceiveBuffer(int bytes) {
    return toBuilder().clientReceiveBuffer(bytes).build();
  }

  /** Named construction of a {@link ServerConfig}; starts from the values it was made from. */
  public static final class Builder {
    private ControlWrap wrap;
    private TlsServerContext tls;
    private List<AeadCipher> ciphers;
    private ReliableConfig reliable;
    private Duration handWindow;
    private Duration ping;
    private Duration pingRestart;
    private Duration transitionWindow;
    private int tlsChunk;
    private List<String> extraPush;
    private LongSupplier wallSeconds;
    private Duration renegotiate;
    private int clientReceiveBuffer;
    private MultipathConfig multipath;

    private Builder() {}

    private Builder(ServerConfig from) {
      wrap = from.wrap;
      multipath = from.multipath;
      tls = from.tls;
      ciphers = from.ciphers;
      reliable = from.reliable;
      handWindow = from.handWindow;
      ping = from.ping;
      pingRestart = from.pingRestart;
      transitionWindow = from.transitionWindow;
      tlsChunk = from.tlsChunk;
      extraPush = from.extraPush;
      wallSeconds = from.wallSeconds;
      renegotiate = from.renegotiate;
      clientReceiveBuffer = from.clientReceiveBuffer;
    }

    public Builder wrap(ControlWrap value) {
      wrap = value;
      return this;
    }

    public Builder tls(TlsServerContext value) {
      tls = value;
      return this;
    }

    public Builder ciphers(List<AeadCipher> value) {
      ciphers = value;
      return this;
    }

    public Builder reliable(ReliableConfig value) {
      reliable = value;
      return this;
    }

    public Builder handWindow(Duration value) {
      handWindow = value;
      return this;
    }

    public Builder ping(Duration value) {
      ping = value;
      return this;
    }

    public Builder pingRestart(Duration value) {
      pingRestart = value;
      return this;
    }

    public Builder transitionWindow(Duration value) {
      transitionWindow = value;
      return this;
    }

    public Builder tlsChunk(int value) {
      tlsChunk = value;
      return this;
    }

    public Builder extraPush(List<String> value) {
      extraPush = value;
      return this;
    }

    public Builder wallSeconds(LongSupplier value) {
      wallSeconds = value;
      return this;
    }

    public Builder renegotiate(Duration value) {
      renegotiate = value;
      return this;
    }

    public Builder clientReceiveBuffer(int value) {
      clientReceiveBuffer = value;
      return this;
    }

    /**
     * Multipath for Braid sites that ask for it ({@code IV_BRAID_MP=1}): their paths, probes,
     * scheduler and reorder buffer; null serves every client single-path.
     */
    public Builder multipath(MultipathConfig value) {
      multipath = value;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(
          wrap,
          tls,
          ciphers,
          reliable,
          handWindow,
          ping,
          pingRestart,
          transitionWindow,
          tlsChunk,
          extraPush,
          wallSeconds,
          renegotiate,
          clientReceiveBuffer,
          multipath);
    }
  }
}
