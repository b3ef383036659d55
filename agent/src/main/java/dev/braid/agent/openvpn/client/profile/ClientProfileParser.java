package dev.braid.agent.openvpn.client.profile;

import dev.braid.agent.openvpn.client.profile.ProfileProblem.Reason;
import dev.braid.agent.openvpn.client.profile.ProfileProblem.Severity;
import dev.braid.agent.openvpn.keys.AeadCipher;
import dev.braid.agent.openvpn.tls.PrivateKeys;
import dev.braid.agent.openvpn.tls.ServerCertificatePolicy;
import dev.braid.agent.openvpn.tls.ServerCertificatePolicy.X509NameType;
import dev.braid.agent.openvpn.tlswrap.StaticKey;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parses an OpenVPN client profile ({@code .ovpn}) into a {@link ClientProfile}. Every problem
 * names its line and option: errors for what Braid cannot honour (tls-crypt-v2, compression,
 * proxies, username/password, unknown options), warnings for options that do not matter to a site
 * agent (daemon, logging, scripts). All errors are collected before {@link ProfileException} is
 * thrown, so one pass shows everything to fix. Certificates, the key and the control-channel key
 * are checked here, so bad material is reported at its line too.
 */
public final class ClientProfileParser {
  private static final int DEFAULT_PORT = 1194;
  private static final Set<String> TLS_AUTH_DIGESTS = Set.of("SHA1", "SHA256", "SHA512");

  private final ProfileFiles files;
  private final ClientProfile.Builder profile = ClientProfile.builder();
  private final List<ProfileProblem> problems = new ArrayList<>();
  private final Set<String> ignoreUnknown = new HashSet<>();

  /** Remote lines as written; port and protocol are resolved at the end (port/proto may follow). */
  private record RemoteLine(int line, String host, int port, Protocol protocol) {}

  private final List<RemoteLine> remotes = new ArrayList<>();
  private boolean remoteLine;
  private Protocol protocol = Protocol.UDP;
  private int port = DEFAULT_PORT;
  private boolean client;
  private boolean pull;
  private boolean tlsClient;
  private ProfileLine caLine;
  private ProfileLine certLine;
  private ProfileLine keyLine;
  private ProfileLine staticKeyLine;
  private ProfileLine authLine;
  private ProfileLine cipherLine;
  private String caPem = "";
  private String certPem = "";
  private String extraCertsPem = "";
  private String keyPem = "";
  private ControlChannel controlChannel = ControlChannel.NONE;
  private int keyDirection = -1;
  private String authDigest = "SHA1";
  private List<AeadCipher> ciphers = ClientProfile.DEFAULT_CIPHERS;
  private String cipher;
  private boolean remoteCertTls;
  private boolean nsCertType;
  private String remoteCertEku;
  private String verifyName;
  private X509NameType verifyNameType;
  private Duration ping;
  private Duration pingRestart;

  private ClientProfileParser(ProfileFiles files) {
    this.files = files;
  }

  /** Parses a profile that carries its material inline (as Braid's operator renders them). */
  public static ClientProfile parse(String text) throws ProfileException {
    return parse(text, ProfileFiles.NONE);
  }

  /**
   * Parses a profile whose {@code ca}, {@code cert}, {@code key}, {@code tls-auth}... may name
   * files, read through {@code files}.
   *
   * @throws ProfileException listing every error (and the warnings) with line and option
   */
  public static ClientProfile parse(String text, ProfileFiles files) throws ProfileException {
    ClientProfileParser p = new ClientProfileParser(files);
    ProfileReader reader = ProfileReader.read(text);
    p.problems.addAll(reader.problems());
    // ignore-unknown-option applies to the whole file, as in OpenVPN
    for (ProfileLine l : reader.lines()) {
      if (l.name().equals("ignore-unknown-option")) {
        p.ignoreUnknown.addAll(l.words().subList(1, l.words().size()));
      }
    }
    for (ProfileLine l : reader.lines()) {
      p.option(l);
    }
    p.finish();
    List<ProfileProblem> sorted =
        p.problems.stream()
            .sorted(java.util.Comparator.comparingInt(ProfileProblem::line))
            .toList();
    if (sorted.stream().anyMatch(x -> x.severity() == Severity.ERROR)) {
      throw new ProfileException(sorted);
    }
    sorted.forEach(p.profile::warning);
    return p.profile.build();
  }

  // ---------------------------------------------------------------- options

  private void option(ProfileLine l) {
    try {
      apply(l);
    } catch (BadOption e) {
      problems.add(
          new ProfileProblem(l.line(), l.name(), e.reason, e.getMessage(), Severity.ERROR));
    }
  }

  private void apply(ProfileLine l) throws BadOption {
    String name = l.name();
    switch (name) {
      case "client" -> {
        args(l, 0, 0);
        client = true;
      }
      case "pull" -> {
        args(l, 0, 0);
        pull = true;
      }
      case "tls-client" -> {
        args(l, 0, 0);
        tlsClient = true;
      }
      case "dev" -> {
        args(l, 1, 1);
        if (!l.argument(1).startsWith("tun")) {
          throw unsupported(
              "only tun devices are supported (layer 3), not '" + l.argument(1) + "'");
        }
      }
      case "dev-type" -> {
        args(l, 1, 1);
        if (!l.argument(1).equals("tun")) {
          throw unsupported(
              "only tun devices are supported (layer 3), not '" + l.argument(1) + "'");
        }
      }
      case "remote" -> remote(l);
      case "proto" -> {
        args(l, 1, 1);
        protocol = protocol(l.argument(1));
      }
      case "port", "rport" -> {
        args(l, 1, 1);
        port = number(l.argument(1), 1, 65535);
      }
      case "remote-random" -> {
        args(l, 0, 0);
        profile.remoteRandom(true);
      }
      case "ca" -> {
        caLine = l;
        caPem = material(l);
      }
      case "cert" -> {
        certLine = l;
        certPem = material(l);
      }
      case "extra-certs" -> extraCertsPem = material(l);
      case "key" -> {
        keyLine = l;
        keyPem = material(l);
      }
      case "crl-verify" -> {
        if (l.argumentCount() == 2 && l.argument(2).equals("dir")) {
          throw unsupported("a CRL directory is not supported; inline the CRL as <crl-verify>");
        }
        profile.crlPem(material(l));
      }
      case "tls-auth" -> {
        staticKeyLine = l;
        controlChannel = ControlChannel.TLS_AUTH;
        if (!l.isInline() && l.argumentCount() == 2) {
          keyDirection = direction(l.argument(2));
        }
        profile.controlChannel(ControlChannel.TLS_AUTH, material(l, 1, 2));
      }
      case "tls-crypt" -> {
        staticKeyLine = l;
        controlChannel = ControlChannel.TLS_CRYPT;
        profile.controlChannel(ControlChannel.TLS_CRYPT, material(l));
      }
      case "key-direction" -> {
        args(l, 1, 1);
        keyDirection = direction(l.argument(1));
      }
      case "auth" -> {
        args(l, 1, 1);
        authLine = l;
        authDigest = l.argument(1).toUpperCase().replace("-", "");
      }
      case "data-ciphers", "ncp-ciphers" -> {
        args(l, 1, 1);
        ciphers = ciphers(l);
      }
      case "cipher" -> {
        args(l, 1, 1);
        cipherLine = l;
        cipher = l.argument(1);
      }
      case "remote-cert-tls" -> {
        args(l, 1, 1);
        if (!l.argument(1).equals("server")) {
          throw invalid("a client checks the server: only 'remote-cert-tls server' makes sense");
        }
        remoteCertTls = true;
      }
      case "ns-cert-type" -> {
        args(l, 1, 1);
        if (!l.argument(1).equals("server")) {
          throw invalid("a client checks the server: only 'ns-cert-type server' makes sense");
        }
        nsCertType = true;
      }
      case "remote-cert-eku" -> {
        args(l, 1, 1);
        remoteCertEku = l.argument(1);
      }
      case "verify-x509-name" -> verifyX509Name(l);
      case "tls-version-min" -> tlsVersion(l, true);
      case "tls-version-max" -> tlsVersion(l, false);
      case "reneg-sec" -> {
        args(l, 1, 2);
        Duration max = seconds(l.argument(1));
        Duration min = l.argumentCount() == 2 ? seconds(l.argument(2)) : null;
        if (min != null && min.compareTo(max) > 0) {
          throw invalid(
              "the minimum " + min.toSeconds() + " exceeds the maximum " + max.toSeconds());
        }
        profile.renegotiate(max, min);
      }
      case "hand-window" -> {
        args(l, 1, 1);
        Duration d = seconds(l.argument(1));
        if (d.isZero()) {
          throw invalid("hand-window must be positive");
        }
        profile.handWindow(d);
      }
      case "tran-window" -> {
        args(l, 1, 1);
        profile.transitionWindow(seconds(l.argument(1)));
      }
      case "ping" -> {
        args(l, 1, 1);
        ping = seconds(l.argument(1));
      }
      case "ping-restart" -> {
        args(l, 1, 1);
        pingRestart = seconds(l.argument(1));
      }
      case "ping-exit" -> {
        args(l, 1, 1);
        pingRestart = seconds(l.argument(1));
        warn(l, Reason.IGNORED, "treated as ping-restart: a site reconnects instead of exiting");
      }
      case "keepalive" -> {
        args(l, 2, 2);
        ping = seconds(l.argument(1));
        pingRestart = seconds(l.argument(2));
      }
      case "explicit-exit-notify" -> {
        args(l, 0, 1);
        profile.explicitExitNotify(
            l.argumentCount() == 0 ? Duration.ofSeconds(1) : seconds(l.argument(1)));
      }
      case "connect-retry" -> {
        args(l, 1, 2);
        Duration base = seconds(l.argument(1));
        Duration cap = l.argumentCount() == 2 ? seconds(l.argument(2)) : Duration.ofSeconds(300);
        profile.connectRetry(base, cap.compareTo(base) < 0 ? base : cap);
      }
      case "connect-retry-max" -> {
        args(l, 1, 1);
        profile.connectRetryMax(number(l.argument(1), 0, Integer.MAX_VALUE));
      }
      case "server-poll-timeout", "connect-timeout" -> {
        args(l, 1, 1);
        profile.serverPollTimeout(seconds(l.argument(1)));
      }
      case "auth-retry" -> {
        args(l, 1, 1);
        profile.authRetry(
            switch (l.argument(1)) {
              case "none" -> AuthRetry.NONE;
              case "nointeract" -> AuthRetry.NOINTERACT;
              case "interact" -> AuthRetry.INTERACT;
              default -> throw invalid("auth-retry must be none, nointeract or interact");
            });
      }
      case "compress", "comp-lzo" -> compression(l);
      case "tun-mtu" -> {
        args(l, 1, 1);
        profile.tunMtu(number(l.argument(1), 68, 65535));
      }
      case "sndbuf" -> {
        args(l, 1, 1);
        profile.sndbuf(number(l.argument(1), 0, Integer.MAX_VALUE));
      }
      case "rcvbuf" -> {
        args(l, 1, 1);
        profile.rcvbuf(number(l.argument(1), 0, Integer.MAX_VALUE));
      }
      case "replay-window" -> {
        args(l, 1, 2);
        profile.replayWindow(number(l.argument(1), 1, 65536));
        if (l.argumentCount() == 2 && !l.argument(2).equals("15")) {
          warn(l, Reason.IGNORED, "the time limit stays 15 s; only the size is applied");
        }
      }
      case "route-nopull" -> {
        args(l, 0, 0);
        profile.routeNoPull(true);
      }
      case "route", "route-ipv6", "redirect-gateway", "redirect-private", "dhcp-option", "dns" ->
          profile.routeOption(String.join(" ", l.words()));
      case "key-method" -> {
        args(l, 1, 1);
        if (!l.argument(1).equals("2")) {
          throw unsupported("only key-method 2 exists in OpenVPN 2.6");
        }
      }
      case "setenv" -> setenv(l);
      case "ignore-unknown-option" -> {} // read before the other options
      default -> other(l, name);
    }
  }

  /** Options not handled above: ignored, refused or unknown. */
  private void other(ProfileLine l, String name) throws BadOption {
    String ignored = OptionCatalog.IGNORED.get(name);
    if (ignored != null) {
      warn(l, Reason.IGNORED, "ignored: " + ignored);
      return;
    }
    String refused = OptionCatalog.UNSUPPORTED.get(name);
    if (refused != null) {
      throw unsupported(refused);
    }
    if (ignoreUnknown.contains(name)) {
      warn(l, Reason.UNKNOWN_OPTION, "unknown option ignored (listed in ignore-unknown-option)");
      return;
    }
    throw new BadOption(
        Reason.UNKNOWN_OPTION,
        "unknown option (OpenVPN 2.6 refuses it too; list it in ignore-unknown-option to skip it)");
  }

  /**
   * {@code setenv opt X ...} marks X as skippable when unknown; other variables are for scripts.
   */
  private void setenv(ProfileLine l) throws BadOption {
    args(l, 1, Integer.MAX_VALUE);
    if (l.argument(1).equals("opt") && l.argumentCount() >= 2) {
      List<String> inner = l.words().subList(2, l.words().size());
      String name = inner.getFirst();
      ProfileLine innerLine = new ProfileLine(l.line(), inner, null);
      if (!OptionCatalog.UNSUPPORTED.containsKey(name)
          && !OptionCatalog.IGNORED.containsKey(name)) {
        try {
          apply(innerLine);
        } catch (BadOption e) {
          warn(innerLine, Reason.UNKNOWN_OPTION, "ignored (setenv opt): " + e.getMessage());
        }
        return;
      }
      warn(innerLine, Reason.IGNORED, "ignored (setenv opt)");
      return;
    }
    warn(l, Reason.IGNORED, "ignored: the agent runs no scripts that would read it");
  }

  private void remote(ProfileLine l) throws BadOption {
    remoteLine = true;
    args(l, 1, 3);
    String host = l.argument(1);
    int p = l.argumentCount() >= 2 ? number(l.argument(2), 1, 65535) : -1;
    Protocol proto = l.argumentCount() == 3 ? protocol(l.argument(3)) : null;
    remotes.add(new RemoteLine(l.line(), host, p, proto));
  }

  private Protocol protocol(String name) throws BadOption {
    Optional<Protocol> p = Protocol.ofName(name);
    if (p.isEmpty()) {
      if (name.startsWith("tcp") && name.endsWith("server")) {
        throw unsupported("'" + name + "' is a server transport");
      }
      throw invalid(
          "unknown protocol '"
              + name
              + "': use udp, udp4, udp6, tcp-client, tcp4-client or tcp6-client");
    }
    return p.get();
  }

  private List<AeadCipher> ciphers(ProfileLine l) throws BadOption {
    Set<AeadCipher> kept = new LinkedHashSet<>();
    List<String> dropped = new ArrayList<>();
    for (String c : l.argument(1).split(":")) {
      Optional<AeadCipher> known = AeadCipher.ofOpenvpnName(c.strip());
      if (known.isPresent()) {
        kept.add(known.get());
      } else if (!c.isBlank()) {
        dropped.add(c.strip());
      }
    }
    if (kept.isEmpty()) {
      throw unsupported(
          "none of "
              + dropped
              + " is supported: Braid speaks AES-256-GCM, AES-128-GCM and CHACHA20-POLY1305");
    }
    if (!dropped.isEmpty()) {
      warn(l, Reason.IGNORED, "ciphers " + dropped + " are not supported and not offered");
    }
    return List.copyOf(kept);
  }

  private void verifyX509Name(ProfileLine l) throws BadOption {
    args(l, 1, 2);
    verifyName = l.argument(1);
    String type = l.argumentCount() == 2 ? l.argument(2) : "subject";
    verifyNameType =
        switch (type) {
          case "subject" -> X509NameType.SUBJECT;
          case "name" -> X509NameType.NAME;
          case "name-prefix" -> X509NameType.NAME_PREFIX;
          default ->
              throw invalid("name type must be subject, name or name-prefix, not '" + type + "'");
        };
  }

  private String minVersion = "1.2";
  private String maxVersion = "1.3";

  private void tlsVersion(ProfileLine l, boolean min) throws BadOption {
    args(l, 1, 2);
    String v = l.argument(1);
    if (l.argumentCount() == 2 && !(min && l.argument(2).equals("or-highest"))) {
      throw invalid("unexpected '" + l.argument(2) + "'");
    }
    switch (v) {
      case "1.0", "1.1" -> {
        if (min) {
          warn(l, Reason.IGNORED, "TLS " + v + " is not offered: Braid speaks TLS 1.2 and 1.3");
          minVersion = "1.2";
        } else {
          throw unsupported("TLS " + v + " is not supported: Braid speaks TLS 1.2 and 1.3");
        }
      }
      case "1.2", "1.3" -> {
        if (min) {
          minVersion = v;
        } else {
          maxVersion = v;
        }
      }
      default -> throw invalid("TLS version must be 1.2 or 1.3, not '" + v + "'");
    }
  }

  /**
   * Any compression setting needs OpenVPN's compression framing on every data packet, even "no" and
   * the stubs; Braid sends none, so the server would misread every packet.
   */
  private void compression(ProfileLine l) throws BadOption {
    String what = String.join(" ", l.words());
    throw unsupported(
        "'"
            + what
            + "': compression and its framing are not supported (data compression is unsafe and"
            + " deprecated); remove it here and from the server, which must not use compress or"
            + " comp-lzo either");
  }

  // ---------------------------------------------------------------- material

  /** Inline block text, or the file the single argument names. */
  private String material(ProfileLine l) throws BadOption {
    return material(l, 1, 1);
  }

  private String material(ProfileLine l, int minArgs, int maxArgs) throws BadOption {
    if (l.isInline()) {
      return l.inline();
    }
    args(l, minArgs, maxArgs);
    String name = l.argument(1);
    if (name.equals("[inline]")) {
      throw invalid("'[inline]' must be followed by the <" + l.name() + "> block");
    }
    Optional<String> text = files.read(name);
    if (text.isEmpty()) {
      throw new BadOption(
          Reason.FILE_NOT_FOUND,
          "cannot read file '"
              + name
              + "': inline it as <"
              + l.name()
              + ">...</"
              + l.name()
              + "> (profiles from a VPNClient Secret carry everything inline)");
    }
    return text.get();
  }

  // ---------------------------------------------------------------- final checks

  private void finish() {
    if (!client && !(pull && tlsClient)) {
      missing("client", "not a client profile: add 'client' (or 'pull' and 'tls-client')");
    }
    if (!remoteLine) {
      missing("remote", "no 'remote' line: the profile names no server");
    }
    for (RemoteLine r : remotes) {
      profile.remote(
          new Remote(
              r.host, r.port > 0 ? r.port : port, r.protocol != null ? r.protocol : protocol));
    }
    List<X509Certificate> chain = certificates(certLine, certPem + extraCertsPem, "cert");
    certificates(caLine, caPem, "ca");
    if (keyLine == null) {
      missing("key", "no <key>: the client's private key is needed");
    } else if (!chain.isEmpty() && !reported(keyLine)) {
      try {
        PrivateKeys.parse(keyPem, chain.getFirst().getPublicKey());
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        problems.add(bad(keyLine, Reason.INVALID_VALUE, e.getMessage()));
      }
    }
    profile.caPem(caPem).certPem(certPem + extraCertsPem).keyPem(keyPem);
    controlChannelKey();
    cipherFallback();
    profile.dataCiphers(ciphers);
    profile.cipher(cipher);
    profile.keyDirection(keyDirection);
    profile.authDigest(authDigest);
    profile.tlsVersions(minVersion, maxVersion);
    if (minVersion.compareTo(maxVersion) > 0) {
      missing(
          "tls-version-min",
          "tls-version-min " + minVersion + " exceeds tls-version-max " + maxVersion);
    }
    profile.certificatePolicy(
        new ServerCertificatePolicy(
            remoteCertTls, nsCertType, remoteCertEku, verifyName, verifyNameType));
    if (ping != null) {
      profile.ping(ping);
    }
    if (pingRestart != null) {
      profile.pingRestart(pingRestart);
    }
  }

  private List<X509Certificate> certificates(ProfileLine l, String pem, String option) {
    if (l == null) {
      missing(
          option,
          "no <"
              + option
              + ">: "
              + (option.equals("ca")
                  ? "the CA that signed the server's certificate is needed"
                  : "the client's certificate is needed"));
      return List.of();
    }
    if (reported(l)) {
      return List.of(); // its material could not be read: said so already
    }
    try {
      List<X509Certificate> certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
              .stream()
              .map(X509Certificate.class::cast)
              .toList();
      if (certs.isEmpty()) {
        problems.add(bad(l, Reason.INVALID_VALUE, "holds no certificate"));
      }
      return certs;
    } catch (CertificateException e) {
      problems.add(bad(l, Reason.INVALID_VALUE, "not a PEM certificate: " + e.getMessage()));
      return List.of();
    }
  }

  private void controlChannelKey() {
    if (staticKeyLine == null || reported(staticKeyLine)) {
      return;
    }
    String text = staticKeyLine.isInline() ? staticKeyLine.inline() : null;
    try {
      if (text == null) {
        text = files.read(staticKeyLine.argument(1)).orElse("");
      }
      StaticKey.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(bad(staticKeyLine, Reason.INVALID_VALUE, e.getMessage()));
    }
    if (controlChannel == ControlChannel.TLS_AUTH) {
      if (!TLS_AUTH_DIGESTS.contains(authDigest)) {
        ProfileLine at = authLine != null ? authLine : staticKeyLine;
        problems.add(
            bad(
                at,
                Reason.UNSUPPORTED,
                "tls-auth digest must be SHA1, SHA256 or SHA512, not " + authDigest));
      }
    }
  }

  /** OpenVPN 2.6: a {@code cipher} missing from data-ciphers is not negotiated (a warning). */
  private void cipherFallback() {
    if (cipher == null || cipherLine == null) {
      return;
    }
    Optional<AeadCipher> c = AeadCipher.ofOpenvpnName(cipher);
    if (c.isEmpty() || !ciphers.contains(c.get())) {
      problems.add(
          new ProfileProblem(
              cipherLine.line(),
              "cipher",
              Reason.IGNORED,
              "'"
                  + cipher
                  + "' is not in data-ciphers, so it is not negotiated (as in OpenVPN 2.6)",
              Severity.WARNING));
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Whether an error was already reported at {@code l}'s line. */
  private boolean reported(ProfileLine l) {
    return problems.stream().anyMatch(p -> p.line() == l.line() && p.severity() == Severity.ERROR);
  }

  private void missing(String option, String detail) {
    problems.add(new ProfileProblem(0, option, Reason.MISSING_OPTION, detail, Severity.ERROR));
  }

  private void warn(ProfileLine l, Reason reason, String detail) {
    problems.add(new ProfileProblem(l.line(), l.name(), reason, detail, Severity.WARNING));
  }

  private static ProfileProblem bad(ProfileLine l, Reason reason, String detail) {
    return new ProfileProblem(l.line(), l.name(), reason, detail, Severity.ERROR);
  }

  private static void args(ProfileLine l, int min, int max) throws BadOption {
    if (l.isInline()) {
      throw new BadOption(Reason.SYNTAX_ERROR, "takes no inline block");
    }
    int n = l.argumentCount();
    if (n < min || n > max) {
      String want =
          min == max
              ? min + " argument" + (min == 1 ? "" : "s")
              : max == Integer.MAX_VALUE
                  ? "at least " + min + " arguments"
                  : min + " to " + max + " arguments";
      throw new BadOption(Reason.WRONG_ARGUMENT_COUNT, "takes " + want + ", has " + n);
    }
  }

  private static int number(String s, int min, int max) throws BadOption {
    try {
      int v = Integer.parseInt(s);
      if (v < min || v > max) {
        throw new BadOption(Reason.INVALID_VALUE, s + " is outside " + min + ".." + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new BadOption(Reason.INVALID_VALUE, "'" + s + "' is not a number");
    }
  }

  private static Duration seconds(String s) throws BadOption {
    return Duration.ofSeconds(number(s, 0, Integer.MAX_VALUE));
  }

  private static int direction(String s) throws BadOption {
    return switch (s) {
      case "0" -> 0;
      case "1" -> 1;
      default ->
          throw new BadOption(
              Reason.INVALID_VALUE, "key direction must be 0 or 1, not '" + s + "'");
    };
  }

  private static BadOption unsupported(String detail) {
    return new BadOption(Reason.UNSUPPORTED, detail);
  }

  private static BadOption invalid(String detail) {
    return new BadOption(Reason.INVALID_VALUE, detail);
  }

  /** A problem with the option being applied; becomes a {@link ProfileProblem} at its line. */
  private static final class BadOption extends Exception {
    final Reason reason;

    BadOption(Reason reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }
  }
}
