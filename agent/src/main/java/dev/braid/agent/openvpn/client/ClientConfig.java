package dev.braid.agent.openvpn.client;

import dev.braid.agent.multipath.MultipathConfig;
import dev.braid.agent.openvpn.keys.AeadCipher;
import dev.braid.agent.openvpn.multipath.MultipathNegotiation;
import dev.braid.agent.openvpn.reliable.ReliableConfig;
import dev.braid.agent.openvpn.replay.ReplayWindow;
import dev.braid.agent.openvpn.tls.TlsClientContext;
import dev.braid.agent.openvpn.tlswrap.ControlWrap;
import dev.braid.agent.openvpn.tlswrap.TlsAuth;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;

/**
 * What a {@link ClientSession} needs to know; immutable, built with {@link #builder}. Defaults are
 * OpenVPN 2.6 client defaults where they matter for interop. {@link ClientConfigs#fromProfile}
 * builds one from a profile.
 *
 * @param wrap control-channel protection (tls-crypt with the client's key direction, tls-auth,
 *     none)
 * @param tlsEngines a new client-mode TLS engine per key negotiation ({@link
 *     TlsClientContext#newEngine})
 * @param ciphers data ciphers offered in {@code IV_CIPHERS}, in preference order
 * @param reliable control-channel reliable-layer tuning ({@link ReliableConfig#braid()}; without
 *     redundancy over TCP)
 * @param handWindow time from a (hard or soft) reset to agreed keys, and from the keys to the
 *     PUSH_REPLY ({@code hand-window}, 60 s)
 * @param serverPollTimeout time to hear anything from the server before giving up on this remote
 *     ({@code server-poll-timeout}, 120 s)
 * @param renegotiate data-key age at which this client starts a renegotiation ({@code reneg-sec},
 *     3600 s); zero never
 * @param renegotiateMin lower end of the key age, drawn uniformly per key between this and {@code
 *     renegotiate} ({@code reneg-sec max min}); equal to {@code renegotiate} for no spread
 * @param transitionWindow how long a replaced key still decrypts ({@code tran-window}, 3600 s)
 * @param ping send silence after which a keepalive ping goes out; zero off; a pushed {@code ping}
 *     replaces it
 * @param pingRestart receive silence after which the session is dead; zero off; a pushed {@code
 *     ping-restart} replaces it
 * @param explicitExitNotify on {@link ClientSession#close}, how long to tell the server we leave
 *     ({@code explicit-exit-notify n}, seconds); zero leaves silently. Datagram transports only
 * @param tlsChunk largest TLS ciphertext chunk per control packet
 * @param announceKeyExport announce TLS keying-material export in {@code IV_PROTO}
 * @param multipath announce Braid multipath ({@code IV_BRAID_MP=1}) to a Braid hub
 * @param version {@code IV_VER}: the OpenVPN protocol level this client follows
 * @param product {@code IV_GUI_VER}: what this client is
 * @param platform {@code IV_PLAT}
 * @param tcp whether the transport is a TCP stream (the caller frames packets)
 * @param replayWindow how far behind the highest data packet id a packet is still accepted ({@code
 *     replay-window}; 64 as in OpenVPN, thousands for a multipath session whose paths differ in
 *     delay); a multipath session uses at least {@link MultipathNegotiation#REPLAY_WINDOW}
 * @param multipathSettings paths, probes, scheduler and reorder buffer of a multipath session (used
 *     once the hub agreed to multipath)
 */
public record ClientConfig(
    ControlWrap wrap,
    Supplier<SSLEngine> tlsEngines,
    List<AeadCipher> ciphers,
    ReliableConfig reliable,
    Duration handWindow,
    Duration serverPollTimeout,
    Duration renegotiate,
    Duration renegotiateMin,
    Duration transitionWindow,
    Duration ping,
    Duration pingRestart,
    Duration explicitExitNotify,
    int tlsChunk,
    boolean announceKeyExport,
    boolean multipath,
    String version,
    String product,
    String platform,
    boolean tcp,
    int replayWindow,
    MultipathConfig multipathSettings) {

  public ClientConfig {
    Objects.requireNonNull(wrap, "wrap");
    Objects.requireNonNull(tlsEngines, "tlsEngines");
    Objects.requireNonNull(multipathSettings, "multipathSettings");
    ciphers = List.copyOf(ciphers);
    if (ciphers.isEmpty()) {
      throw new IllegalArgumentException("ciphers: at least one data cipher is needed");
    }
    for (Duration d :
        List.of(
            handWindow,
            serverPollTimeout,
            renegotiate,
            renegotiateMin,
            transitionWindow,
            ping,
            pingRestart,
            explicitExitNotify)) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("durations must not be negative: " + d);
      }
    }
    if (handWindow.isZero()) {
      throw new IllegalArgumentException("handWindow must be positive");
    }
    if (renegotiateMin.compareTo(renegotiate) > 0) {
      throw new IllegalArgumentException(
          "renegotiateMin " + renegotiateMin + " exceeds renegotiate " + renegotiate);
    }
    if (replayWindow < 1 || replayWindow > ReplayWindow.MAX_SIZE) {
      throw new IllegalArgumentException(
          "replayWindow must be 1.." + ReplayWindow.MAX_SIZE + ": " + replayWindow);
    }
    if (tlsChunk < 64 || tlsChunk > 1400) {
      throw new IllegalArgumentException("tlsChunk must be 64..1400: " + tlsChunk);
    }
  }

  /** Whether the control channel is tls-auth (named in the options string, as OpenVPN does). */
  boolean tlsAuth() {
    return wrap instanceof TlsAuth;
  }

  /** A builder with OpenVPN 2.6 client defaults. */
  public static Builder builder(ControlWrap wrap, Supplier<SSLEngine> tlsEngines) {
    return new Builder(wrap, tlsEngines);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder(wrap, tlsEngines);
    b.ciphers = ciphers;
    b.reliable = reliable;
    b.handWindow = handWindow;
    b.serverPollTimeout = serverPollTimeout;
    b.renegotiate = renegotiate;
    b.renegotiateMin = renegotiateMin;
    b.transitionWindow = transitionWindow;
    b.ping = ping;
    b.pingRestart = pingRestart;
    b.explicitExitNotify = explicitExitNotify;
    b.tlsChunk = tlsChunk;
    b.announceKeyExport = announceKeyExport;
    b.multipath = multipath;
    b.version = version;
    b.product = product;
    b.platform = platform;
    b.tcp = tcp;
    b.replayWindow = replayWindow;
    b.multipathSettings = multipathSettings;
    return b;
  }

  /** Named construction of a {@link ClientConfig}; each setter documents its component. */
  public static final class Builder {
    private ControlWrap wrap;
    private Supplier<SSLEngine> tlsEngines;
    private List<AeadCipher> ciphers =
        List.of(AeadCipher.AES_256_GCM, AeadCipher.AES_128_GCM, AeadCipher.CHACHA20_POLY1305);
    private ReliableConfig reliable = ReliableConfig.braid();
    private Duration handWindow = Duration.ofSeconds(60);
    private Duration serverPollTimeout = Duration.ofSeconds(120);
    private Duration renegotiate = Duration.ofHours(1);
    private Duration renegotiateMin = Duration.ofHours(1);
    private Duration transitionWindow = Duration.ofHours(1);
    private Duration ping = Duration.ZERO;
    private Duration pingRestart = Duration.ZERO;
    private Duration explicitExitNotify = Duration.ZERO;
    private int tlsChunk = 1000;
    private boolean announceKeyExport = true;
    private boolean multipath;
    private String version = "2.6.0";
    private String product = "braid-agent";
    private String platform = "linux";
    private boolean tcp;
    private int replayWindow = ReplayWindow.DEFAULT_SIZE;
    private MultipathConfig multipathSettings = MultipathConfig.defaults();

    private Builder(ControlWrap wrap, Supplier<SSLEngine> tlsEngines) {
      this.wrap = wrap;
      this.tlsEngines = tlsEngines;
    }

    public Builder wrap(ControlWrap w) {
      wrap = w;
      return this;
    }

    public Builder tlsEngines(Supplier<SSLEngine> engines) {
      tlsEngines = engines;
      return this;
    }

    public Builder ciphers(List<AeadCipher> c) {
      ciphers = c;
      return this;
    }

    public Builder reliable(ReliableConfig r) {
      reliable = r;
      return this;
    }

    public Builder handWindow(Duration d) {
      handWindow = d;
      return this;
    }

    public Builder serverPollTimeout(Duration d) {
      serverPollTimeout = d;
      return this;
    }

    /** Key age for renegotiation, the same for every key (no spread). */
    public Builder renegotiate(Duration d) {
      renegotiate = d;
      renegotiateMin = d;
      return this;
    }

    /** Key age for renegotiation drawn per key between {@code min} and {@code max}. */
    public Builder renegotiate(Duration max, Duration min) {
      renegotiate = max;
      renegotiateMin = min;
      return this;
    }

    public Builder transitionWindow(Duration d) {
      transitionWindow = d;
      return this;
    }

    public Builder ping(Duration d) {
      ping = d;
      return this;
    }

    public Builder pingRestart(Duration d) {
      pingRestart = d;
      return this;
    }

    public Builder explicitExitNotify(Duration d) {
      explicitExitNotify = d;
      return this;
    }

    public Builder tlsChunk(int bytes) {
      tlsChunk = bytes;
      return this;
    }

    public Builder announceKeyExport(boolean on) {
      announceKeyExport = on;
      return this;
    }

    public Builder multipath(boolean on) {
      multipath = on;
      return this;
    }

    public Builder version(String v) {
      version = v;
      return this;
    }

    public Builder product(String p) {
      product = p;
      return this;
    }

    public Builder platform(String p) {
      platform = p;
      return this;
    }

    public Builder tcp(boolean on) {
      tcp = on;
      return this;
    }

    public Builder replayWindow(int packets) {
      replayWindow = packets;
      return this;
    }

    /** Tuning of a multipath session ({@link MultipathConfig#defaults()}). */
    public Builder multipathSettings(MultipathConfig settings) {
      multipathSettings = settings;
      return this;
    }

    public ClientConfig build() {
      return new ClientConfig(
          wrap,
          tlsEngines,
          ciphers,
          reliable,
          handWindow,
          serverPollTimeout,
          renegotiate,
          renegotiateMin,
          transitionWindow,
          ping,
          pingRestart,
          explicitExitNotify,
          tlsChunk,
          announceKeyExport,
          multipath,
          version,
          product,
          platform,
          tcp,
          replayWindow,
          multipathSettings);
    }
  }
}
