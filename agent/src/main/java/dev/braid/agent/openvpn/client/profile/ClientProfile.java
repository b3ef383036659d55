package dev.braid.agent.openvpn.client.profile;

import dev.braid.agent.openvpn.keys.AeadCipher;
import dev.braid.agent.openvpn.tls.ServerCertificatePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A parsed OpenVPN client profile: what a site agent needs to connect like the stock client the
 * profile was written for. Durations of zero mean "off" where OpenVPN's option does. Immutable;
 * built with {@link #builder()} (the parser does).
 *
 * @param remotes servers in the order given
 * @param remoteRandom try the remotes in random order ({@code remote-random})
 * @param caPem the CA the server's certificate must lead to ({@code <ca>})
 * @param certPem this client's certificate, then {@code <extra-certs>}
 * @param keyPem this client's private key
 * @param crlPem CRLs to check the server's certificate against ({@code <crl-verify>}); empty for
 *     none
 * @param controlChannel control-channel protection
 * @param staticKeyPem the tls-auth/tls-crypt key file text; empty for {@link ControlChannel#NONE}
 * @param keyDirection tls-auth key direction (0, 1) or -1 for none ({@code key-direction}, or the
 *     second word of {@code tls-auth})
 * @param authDigest HMAC digest for tls-auth ({@code auth}; SHA1 by default)
 * @param dataCiphers data ciphers offered, in order ({@code data-ciphers})
 * @param cipher the {@code cipher} option as written, or null; only a fallback in OpenVPN 2.6
 * @param certificatePolicy checks on the server's certificate ({@code remote-cert-tls}, {@code
 *     ns-cert-type}, {@code remote-cert-eku}, {@code verify-x509-name})
 * @param tlsVersionMin {@code 1.2} or {@code 1.3}
 * @param tlsVersionMax {@code 1.2} or {@code 1.3}
 * @param renegotiate {@code reneg-sec} (3600 s)
 * @param renegotiateMin the lower end of {@code reneg-sec max min}; equal to {@code renegotiate}
 *     without one
 * @param handWindow {@code hand-window} (60 s)
 * @param transitionWindow {@code tran-window} (3600 s)
 * @param ping {@code ping} (or the first word of {@code keepalive}); zero off
 * @param pingRestart {@code ping-restart} (or the second word of {@code keepalive}); zero off
 * @param explicitExitNotify {@code explicit-exit-notify} seconds; zero off
 * @param connectRetry {@code connect-retry} base wait (1 s)
 * @param connectRetryMaxWait {@code connect-retry n max}: the cap of the backoff (300 s)
 * @param connectRetryMax {@code connect-retry-max}: attempts per remote before giving up; 0 never
 * @param serverPollTimeout {@code server-poll-timeout} / {@code connect-timeout} (120 s)
 * @param authRetry what to do after {@code AUTH_FAILED}
 * @param tunMtu {@code tun-mtu}, or 0 when not given
 * @param sndbuf {@code sndbuf} bytes, or 0 when not given
 * @param rcvbuf {@code rcvbuf} bytes, or 0 when not given
 * @param replayWindow {@code replay-window} size: how far behind the highest data packet id a
 *     packet is still accepted (64)
 * @param routeNoPull {@code route-nopull}: pushed routes are not to be installed
 * @param routeOptions client-side {@code route}, {@code route-ipv6}, {@code redirect-gateway},
 *     {@code dhcp-option} and {@code dns} lines, verbatim, for the route installer to add to what
 *     the server pushes
 * @param warnings harmless problems found while parsing (ignored options), by line
 */
public record ClientProfile(
    List<Remote> remotes,
    boolean remoteRandom,
    String caPem,
    String certPem,
    String keyPem,
    String crlPem,
    ControlChannel controlChannel,
    String staticKeyPem,
    int keyDirection,
    String authDigest,
    List<AeadCipher> dataCiphers,
    String cipher,
    ServerCertificatePolicy certificatePolicy,
    String tlsVersionMin,
    String tlsVersionMax,
    Duration renegotiate,
    Duration renegotiateMin,
    Duration handWindow,
    Duration transitionWindow,
    Duration ping,
    Duration pingRestart,
    Duration explicitExitNotify,
    Duration connectRetry,
    Duration connectRetryMaxWait,
    int connectRetryMax,
    Duration serverPollTimeout,
    AuthRetry authRetry,
    int tunMtu,
    int sndbuf,
    int rcvbuf,
    int replayWindow,
    boolean routeNoPull,
    List<String> routeOptions,
    List<ProfileProblem> warnings) {

  /** OpenVPN 2.6 client defaults for ciphers: what a profile without data-ciphers offers. */
  public static final List<AeadCipher> DEFAULT_CIPHERS =
      List.of(AeadCipher.AES_256_GCM, AeadCipher.AES_128_GCM, AeadCipher.CHACHA20_POLY1305);

  public ClientProfile {
    remotes = List.copyOf(remotes);
    dataCiphers = List.copyOf(dataCiphers);
    routeOptions = List.copyOf(routeOptions);
    warnings = List.copyOf(warnings);
    Objects.requireNonNull(caPem, "caPem");
    Objects.requireNonNull(certPem, "certPem");
    Objects.requireNonNull(keyPem, "keyPem");
    Objects.requireNonNull(certificatePolicy, "certificatePolicy");
    if (remotes.isEmpty()) {
      throw new IllegalArgumentException("a profile needs at least one remote");
    }
    if (dataCiphers.isEmpty()) {
      throw new IllegalArgumentException("a profile needs at least one data cipher");
    }
    if (controlChannel != ControlChannel.NONE && staticKeyPem.isBlank()) {
      throw new IllegalArgumentException(controlChannel + " needs its key");
    }
  }

  /** A builder with OpenVPN 2.6 client defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Named construction; every setter names the component it sets. */
  public static final class Builder {
    private final List<Remote> remotes = new ArrayList<>();
    private boolean remoteRandom;
    private String caPem = "";
    private String certPem = "";
    private String keyPem = "";
    private String crlPem = "";
    private ControlChannel controlChannel = ControlChannel.NONE;
    private String staticKeyPem = "";
    private int keyDirection = -1;
    private String authDigest = "SHA1";
    private List<AeadCipher> dataCiphers = DEFAULT_CIPHERS;
    private String cipher;
    private ServerCertificatePolicy certificatePolicy = ServerCertificatePolicy.chainOnly();
    private String tlsVersionMin = "1.2";
    private String tlsVersionMax = "1.3";
    private Duration renegotiate = Duration.ofHours(1);
    private Duration renegotiateMin;
    private Duration handWindow = Duration.ofSeconds(60);
    private Duration transitionWindow = Duration.ofHours(1);
    private Duration ping = Duration.ZERO;
    private Duration pingRestart = Duration.ZERO;
    private Duration explicitExitNotify = Duration.ZERO;
    private Duration connectRetry = Duration.ofSeconds(1);
    private Duration connectRetryMaxWait = Duration.ofSeconds(300);
    private int connectRetryMax;
    private Duration serverPollTimeout = Duration.ofSeconds(120);
    private AuthRetry authRetry = AuthRetry.NONE;
    private int tunMtu;
    private int sndbuf;
    private int rcvbuf;
    private int replayWindow = 64;
    private boolean routeNoPull;
    private final List<String> routeOptions = new ArrayList<>();
    private final List<ProfileProblem> warnings = new ArrayList<>();

    private Builder() {}

    public Builder remote(Remote r) {
      remotes.add(r);
      return this;
    }

    public Builder remoteRandom(boolean on) {
      remoteRandom = on;
      return this;
    }

    public Builder caPem(String pem) {
      caPem = pem;
      return this;
    }

    public Builder certPem(String pem) {
      certPem = pem;
      return this;
    }

    public Builder keyPem(String pem) {
      keyPem = pem;
      return this;
    }

    public Builder crlPem(String pem) {
      crlPem = pem;
      return this;
    }

    public Builder controlChannel(ControlChannel cc, String keyPem) {
      controlChannel = cc;
      staticKeyPem = keyPem;
      return this;
    }

    public Builder keyDirection(int direction) {
      keyDirection = direction;
      return this;
    }

    public Builder authDigest(String digest) {
      authDigest = digest;
      return this;
    }

    public Builder dataCiphers(List<AeadCipher> ciphers) {
      dataCiphers = ciphers;
      return this;
    }

    public Builder cipher(String c) {
      cipher = c;
      return this;
    }

    public Builder certificatePolicy(ServerCertificatePolicy p) {
      certificatePolicy = p;
      return this;
    }

    public Builder tlsVersions(String min, String max) {
      tlsVersionMin = min;
      tlsVersionMax = max;
      return this;
    }

    public Builder renegotiate(Duration max, Duration min) {
      renegotiate = max;
      renegotiateMin = min;
      return this;
    }

    public Builder handWindow(Duration d) {
      handWindow = d;
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

    public Builder connectRetry(Duration base, Duration maxWait) {
      connectRetry = base;
      connectRetryMaxWait = maxWait;
      return this;
    }

    public Builder connectRetryMax(int attempts) {
      connectRetryMax = attempts;
      return this;
    }

    public Builder serverPollTimeout(Duration d) {
      serverPollTimeout = d;
      return this;
    }

    public Builder authRetry(AuthRetry a) {
      authRetry = a;
      return this;
    }

    public Builder tunMtu(int mtu) {
      tunMtu = mtu;
      return this;
    }

    public Builder sndbuf(int bytes) {
      sndbuf = bytes;
      return this;
    }

    public Builder rcvbuf(int bytes) {
      rcvbuf = bytes;
      return this;
    }

    public Builder replayWindow(int packets) {
      replayWindow = packets;
      return this;
    }

    public Builder routeNoPull(boolean on) {
      routeNoPull = on;
      return this;
    }

    public Builder routeOption(String raw) {
      routeOptions.add(raw);
      return this;
    }

    public Builder warning(ProfileProblem p) {
      warnings.add(p);
      return this;
    }

    public ClientProfile build() {
      return new ClientProfile(
          remotes,
          remoteRandom,
          caPem,
          certPem,
          keyPem,
          crlPem,
          controlChannel,
          staticKeyPem,
          keyDirection,
          authDigest,
          dataCiphers,
          cipher,
          certificatePolicy,
          tlsVersionMin,
          tlsVersionMax,
          renegotiate,
          renegotiateMin == null ? renegotiate : renegotiateMin,
          handWindow,
          transitionWindow,
          ping,
          pingRestart,
          explicitExitNotify,
          connectRetry,
          connectRetryMaxWait,
          connectRetryMax,
          serverPollTimeout,
          authRetry,
          tunMtu,
          sndbuf,
          rcvbuf,
          replayWindow,
          routeNoPull,
          routeOptions,
          warnings);
    }
  }
}
