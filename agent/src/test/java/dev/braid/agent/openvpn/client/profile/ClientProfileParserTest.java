package dev.braid.agent.openvpn.client.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.braid.agent.openvpn.client.ClientConfig;
import dev.braid.agent.openvpn.client.ClientConfigs;
import dev.braid.agent.openvpn.client.profile.ProfileProblem.Reason;
import dev.braid.agent.openvpn.client.profile.ProfileProblem.Severity;
import dev.braid.agent.openvpn.keys.AeadCipher;
import dev.braid.agent.openvpn.tls.ServerCertificatePolicy.X509NameType;
import dev.braid.agent.openvpn.tlswrap.TlsAuth;
import dev.braid.agent.openvpn.tlswrap.TlsCrypt;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The parser against profiles Braid's operator rendered (fixtures written by {@code
 * dev.braid.operator.profile.ClientProfile#render} with the operator's own PKI), a stock-style
 * profile with everything inline (made with openssl and {@code openvpn --genkey}; the stock 2.6
 * client accepts it), and broken ones.
 */
class ClientProfileParserTest {
  static String fixture(String name) throws IOException {
    try (InputStream in = ClientProfileParserTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static int lineOf(String text, String line) {
    List<String> lines = text.lines().toList();
    int i = lines.indexOf(line);
    if (i < 0) {
      throw new AssertionError("fixture has no line '" + line + "'");
    }
    return i + 1;
  }

  @Test
  void operatorTlsCryptProfileGivesRemotesCiphersCheckAndKey() throws Exception {
    String text = fixture("operator-tls-crypt.ovpn");
    ClientProfile p = ClientProfileParser.parse(text);

    assertThat(p.remotes())
        .containsExactly(
            new Remote("203.0.113.10", 1194, Protocol.UDP),
            new Remote("203.0.113.10", 1194, Protocol.TCP_CLIENT),
            new Remote("2001:db8::10", 1194, Protocol.UDP),
            new Remote("2001:db8::10", 1194, Protocol.TCP_CLIENT));
    assertThat(p.controlChannel()).isEqualTo(ControlChannel.TLS_CRYPT);
    assertThat(p.staticKeyPem()).startsWith("-----BEGIN OpenVPN Static key V1-----");
    assertThat(p.dataCiphers())
        .containsExactly(AeadCipher.AES_256_GCM, AeadCipher.CHACHA20_POLY1305);
    assertThat(p.certificatePolicy().remoteCertTlsServer()).isTrue();
    assertThat(p.explicitExitNotify()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.caPem()).contains("BEGIN CERTIFICATE");
    assertThat(p.keyPem()).contains("BEGIN PRIVATE KEY");
    assertThat(p.warnings())
        .extracting(ProfileProblem::option, ProfileProblem::line)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "resolv-retry", lineOf(text, "resolv-retry infinite")),
            org.assertj.core.groups.Tuple.tuple("nobind", lineOf(text, "nobind")),
            org.assertj.core.groups.Tuple.tuple("persist-key", lineOf(text, "persist-key")),
            org.assertj.core.groups.Tuple.tuple("persist-tun", lineOf(text, "persist-tun")),
            org.assertj.core.groups.Tuple.tuple("verb", lineOf(text, "verb 3")));
    assertThat(p.warnings()).allSatisfy(w -> assertThat(w.severity()).isEqualTo(Severity.WARNING));

    ClientConfig c = ClientConfigs.fromProfile(p, true);
    assertThat(c.wrap()).isInstanceOf(TlsCrypt.class);
    assertThat(c.ciphers()).isEqualTo(p.dataCiphers());
    assertThat(c.multipath()).isTrue();
    assertThat(c.tcp()).isFalse();
    assertThat(c.tlsEngines().get().getUseClientMode()).isTrue();
    assertThat(ClientConfigs.forRemote(c, p.remotes().get(1)).tcp()).isTrue();
  }

  @Test
  void operatorTlsAuthProfileNamesDigestAndDirection() throws Exception {
    ClientProfile p = ClientProfileParser.parse(fixture("operator-tls-auth.ovpn"));
    assertThat(p.controlChannel()).isEqualTo(ControlChannel.TLS_AUTH);
    assertThat(p.authDigest()).isEqualTo("SHA512");
    assertThat(p.keyDirection()).isEqualTo(1);
    assertThat(ClientConfigs.fromProfile(p, false).wrap()).isInstanceOf(TlsAuth.class);
  }

  @Test
  void operatorProfileWithoutControlChannelKey() throws Exception {
    ClientProfile p = ClientProfileParser.parse(fixture("operator-none.ovpn"));
    assertThat(p.controlChannel()).isEqualTo(ControlChannel.NONE);
    assertThat(p.staticKeyPem()).isEmpty();
  }

  @Test
  void stockProfileWithEverythingInline() throws Exception {
    String text = fixture("stock-inline.ovpn");
    ClientProfile p = ClientProfileParser.parse(text);

    assertThat(p.remotes())
        .containsExactly(
            new Remote("vpn1.example.com", 1195, Protocol.UDP),
            new Remote("vpn2.example.com", 443, Protocol.TCP_CLIENT));
    assertThat(p.remoteRandom()).isTrue();
    assertThat(p.certificatePolicy().remoteCertTlsServer()).isTrue();
    assertThat(p.certificatePolicy().verifyName()).isEqualTo("Example VPN Hub");
    assertThat(p.certificatePolicy().verifyNameType()).isEqualTo(X509NameType.NAME);
    assertThat(p.tlsVersionMin()).isEqualTo("1.2");
    assertThat(p.controlChannel()).isEqualTo(ControlChannel.TLS_AUTH);
    assertThat(p.keyDirection()).isEqualTo(1);
    assertThat(p.authDigest()).isEqualTo("SHA256");
    assertThat(p.dataCiphers()).containsExactly(AeadCipher.AES_256_GCM, AeadCipher.AES_128_GCM);
    assertThat(p.cipher()).isEqualTo("AES-256-CBC");
    assertThat(p.ping()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.pingRestart()).isEqualTo(Duration.ofSeconds(120));
    assertThat(p.renegotiate()).isEqualTo(Duration.ofSeconds(7200));
    assertThat(p.renegotiateMin()).isEqualTo(Duration.ofSeconds(6000));
    assertThat(p.connectRetry()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.connectRetryMaxWait()).isEqualTo(Duration.ofSeconds(120));
    assertThat(p.explicitExitNotify()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.keyPem()).contains("BEGIN RSA PRIVATE KEY");

    Map<String, Integer> warned =
        p.warnings().stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    ProfileProblem::option, ProfileProblem::line, (a, b) -> a));
    assertThat(warned)
        .containsEntry("user", lineOf(text, "user nobody"))
        .containsEntry("group", lineOf(text, "group nogroup"))
        .containsEntry("mute-replay-warnings", lineOf(text, "mute-replay-warnings"))
        .containsEntry("block-outside-dns", lineOf(text, "setenv opt block-outside-dns"))
        .containsEntry(
            "data-ciphers", lineOf(text, "data-ciphers AES-256-GCM:AES-128-GCM:AES-256-CBC"))
        .containsEntry("cipher", lineOf(text, "cipher AES-256-CBC"));
    assertThat(p.warnings())
        .filteredOn(w -> w.option().equals("data-ciphers"))
        .singleElement()
        .satisfies(w -> assertThat(w.detail()).contains("[AES-256-CBC]"));

    ClientConfig c = ClientConfigs.fromProfile(p, false); // the PKCS#1 RSA key is usable
    assertThat(c.renegotiateMin()).isEqualTo(Duration.ofSeconds(6000));
    assertThat(c.ping()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void everyProblemIsReportedWithItsLineAndOption() throws Exception {
    String material = materialBlocks();
    String text =
        """
        client
        dev tap
        remote hub.example.com 99999
        proto tcp-server
        tls-crypt-v2 client.key
        comp-lzo no
        auth-user-pass
        frobnicate 1
        keepalive 10
        verify-x509-name "unterminated
        reneg-sec soon
        """
            + material;
    ProfileException e =
        catchThrowableOfType(ProfileException.class, () -> ClientProfileParser.parse(text));

    assertThat(e.errors())
        .extracting(ProfileProblem::line, ProfileProblem::option, ProfileProblem::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2, "dev", Reason.UNSUPPORTED),
            org.assertj.core.groups.Tuple.tuple(3, "remote", Reason.INVALID_VALUE),
            org.assertj.core.groups.Tuple.tuple(4, "proto", Reason.UNSUPPORTED),
            org.assertj.core.groups.Tuple.tuple(5, "tls-crypt-v2", Reason.UNSUPPORTED),
            org.assertj.core.groups.Tuple.tuple(6, "comp-lzo", Reason.UNSUPPORTED),
            org.assertj.core.groups.Tuple.tuple(7, "auth-user-pass", Reason.UNSUPPORTED),
            org.assertj.core.groups.Tuple.tuple(8, "frobnicate", Reason.UNKNOWN_OPTION),
            org.assertj.core.groups.Tuple.tuple(9, "keepalive", Reason.WRONG_ARGUMENT_COUNT),
            org.assertj.core.groups.Tuple.tuple(10, "verify-x509-name", Reason.SYNTAX_ERROR),
            org.assertj.core.groups.Tuple.tuple(11, "reneg-sec", Reason.INVALID_VALUE));
    assertThat(e.getMessage())
        .startsWith("client profile has 10 errors: line 2: 'dev': only tun devices")
        .contains("line 5: 'tls-crypt-v2': tls-crypt-v2 (per-client control-channel keys) is not")
        .contains("line 6: 'comp-lzo': 'comp-lzo no': compression")
        .contains("line 8: 'frobnicate': unknown option")
        .contains("line 9: 'keepalive': takes 2 arguments, has 1")
        .contains("line 11: 'reneg-sec': 'soon' is not a number");
  }

  @Test
  void missingPiecesAreNamed() {
    ProfileException e =
        catchThrowableOfType(
            ProfileException.class, () -> ClientProfileParser.parse("dev tun\nverb 3\n"));
    assertThat(e.errors())
        .extracting(ProfileProblem::option)
        .containsExactly("client", "remote", "cert", "ca", "key");
    assertThat(e.errors()).allSatisfy(p -> assertThat(p.reason()).isEqualTo(Reason.MISSING_OPTION));
  }

  @Test
  void anUnterminatedInlineBlockIsASyntaxError() {
    ProfileException e =
        catchThrowableOfType(
            ProfileException.class,
            () ->
                ClientProfileParser.parse(
                    "client\nremote h 1\n<ca>\n-----BEGIN CERTIFICATE-----\n"));
    assertThat(e.errors())
        .filteredOn(p -> p.reason() == Reason.SYNTAX_ERROR)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.line()).isEqualTo(3);
              assertThat(p.detail()).isEqualTo("inline block <ca> has no </ca>");
            });
  }

  @Test
  void badKeyMaterialIsReportedAtItsBlock() throws Exception {
    String text =
        "client\nremote h 1\n"
            + materialBlocks().replace("-----BEGIN OpenVPN Static key V1-----\n", "")
            + "<key>\nnot a key\n</key>\n";
    ProfileException e =
        catchThrowableOfType(ProfileException.class, () -> ClientProfileParser.parse(text));
    assertThat(e.errors()).extracting(ProfileProblem::option).contains("tls-crypt", "key");
  }

  @Test
  void ignoreUnknownOptionTurnsUnknownOptionsIntoWarnings() throws Exception {
    String text =
        "ignore-unknown-option frobnicate\nclient\nremote h 1\nfrobnicate 1\n" + materialBlocks();
    ClientProfile p = ClientProfileParser.parse(text);
    assertThat(p.warnings())
        .filteredOn(w -> w.option().equals("frobnicate"))
        .singleElement()
        .satisfies(w -> assertThat(w.line()).isEqualTo(4));
  }

  @Test
  void fileReferencesAreReadThroughTheCallersResolverOrRefused() throws Exception {
    String inline = fixture("operator-tls-crypt.ovpn");
    String ca = block(inline, "ca");
    String text = "client\nremote h 1\nca ca.crt\n" + inline.substring(inline.indexOf("<cert>"));
    ClientProfile p =
        ClientProfileParser.parse(
            text, name -> name.equals("ca.crt") ? Optional.of(ca) : Optional.empty());
    assertThat(p.caPem()).isEqualTo(ca);

    ProfileException e =
        catchThrowableOfType(ProfileException.class, () -> ClientProfileParser.parse(text));
    assertThat(e.errors())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.line()).isEqualTo(3);
              assertThat(x.reason()).isEqualTo(Reason.FILE_NOT_FOUND);
              assertThat(x.detail()).contains("inline it as <ca>...</ca>");
            });
  }

  @Test
  void portAndProtoApplyToRemotesWithoutTheirOwnWhereverTheyStand() throws Exception {
    String text =
        "client\nremote a\nremote b 2000\nremote c 3000 tcp\nport 1500\nproto udp6\n"
            + materialBlocks();
    assertThat(ClientProfileParser.parse(text).remotes())
        .containsExactly(
            new Remote("a", 1500, Protocol.UDP6),
            new Remote("b", 2000, Protocol.UDP6),
            new Remote("c", 3000, Protocol.TCP_CLIENT));
  }

  @Test
  void replayWindowSizesTheDataChannelsReplayWindow() throws Exception {
    ClientProfile p =
        ClientProfileParser.parse("client\nremote h 1\nreplay-window 4096 30\n" + materialBlocks());
    assertThat(p.replayWindow()).isEqualTo(4096);
    assertThat(p.warnings())
        .filteredOn(w -> w.option().equals("replay-window"))
        .singleElement()
        .satisfies(w -> assertThat(w.detail()).contains("only the size"));
    assertThat(ClientConfigs.fromProfile(p, true).replayWindow()).isEqualTo(4096);
  }

  @Test
  void aLeadingDoubleDashAndAByteOrderMarkAreAccepted() throws Exception {
    String text = "\uFEFF--client\n--remote h 1\n" + materialBlocks();
    assertThat(ClientProfileParser.parse(text).remotes()).hasSize(1);
  }

  @Test
  void cipherListsWithNothingBraidSpeaksAreRefused() {
    String text = "client\nremote h 1\ndata-ciphers AES-256-CBC:BF-CBC\n" + materialBlocksOrEmpty();
    assertThatThrownBy(() -> ClientProfileParser.parse(text))
        .hasMessageContaining("line 3: 'data-ciphers': none of [AES-256-CBC, BF-CBC] is supported");
  }

  /** The CA, certificate, key and tls-crypt blocks of the operator fixture. */
  static String materialBlocks() throws IOException {
    String f = fixture("operator-tls-crypt.ovpn");
    return f.substring(f.indexOf("<ca>"));
  }

  static String materialBlocksOrEmpty() {
    try {
      return materialBlocks();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String block(String text, String tag) {
    int from = text.indexOf("<" + tag + ">\n") + tag.length() + 3;
    return text.substring(from, text.indexOf("</" + tag + ">"));
  }
}
