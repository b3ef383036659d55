package dev.braid.agent.openvpn.client;

import dev.braid.agent.openvpn.client.profile.ClientProfile;
import dev.braid.agent.openvpn.client.profile.Remote;
import dev.braid.agent.openvpn.tls.TlsClientContext;
import dev.braid.agent.openvpn.tlswrap.ControlWrap;
import dev.braid.agent.openvpn.tlswrap.KeyDirection;
import dev.braid.agent.openvpn.tlswrap.StaticKey;
import dev.braid.agent.openvpn.tlswrap.TlsAuth;
import dev.braid.agent.openvpn.tlswrap.TlsCrypt;
import java.security.GeneralSecurityException;

/** Builds a {@link ClientConfig} from a parsed {@link ClientProfile}: the profile is the source. */
public final class ClientConfigs {
  private ClientConfigs() {}

  /**
   * The configuration a profile describes, for its first remote's transport; see {@link #forRemote}
   * for the others.
   *
   * @param multipath whether to announce Braid multipath (a site bonding uplinks to a Braid hub)
   * @throws GeneralSecurityException when the certificate, key or CA cannot be used for TLS
   */
  public static ClientConfig fromProfile(ClientProfile p, boolean multipath)
      throws GeneralSecurityException {
    TlsClientContext tls =
        TlsClientContext.fromPem(
            p.certPem(),
            p.keyPem(),
            p.caPem(),
            p.crlPem(),
            p.certificatePolicy(),
            p.tlsVersionMin(),
            p.tlsVersionMax());
    ClientConfig base =
        ClientConfig.builder(wrap(p), tls::newEngine)
            .ciphers(p.dataCiphers())
            .handWindow(p.handWindow())
            .serverPollTimeout(p.serverPollTimeout())
            .renegotiate(p.renegotiate(), p.renegotiateMin())
            .transitionWindow(p.transitionWindow())
            .ping(p.ping())
            .pingRestart(p.pingRestart())
            .explicitExitNotify(p.explicitExitNotify())
            .replayWindow(p.replayWindow())
            .multipath(multipath)
            .build();
    return forRemote(base, p.remotes().getFirst());
  }

  /**
   * {@code base} for {@code remote}'s transport: over TCP the stream repairs loss, so the control
   * channel sends no redundant copies, and no exit notification is sent (closing the connection
   * tells the server).
   */
  public static ClientConfig forRemote(ClientConfig base, Remote remote) {
    boolean tcp = remote.protocol().tcp();
    return base.toBuilder()
        .tcp(tcp)
        .reliable(tcp ? base.reliable().withoutRedundancy() : base.reliable())
        .build();
  }

  /** The control-channel protection the profile names, with the client's key direction. */
  static ControlWrap wrap(ClientProfile p) {
    return switch (p.controlChannel()) {
      case NONE -> ControlWrap.NONE;
      case TLS_CRYPT -> new TlsCrypt(StaticKey.parse(p.staticKeyPem()), KeyDirection.INVERSE);
      case TLS_AUTH ->
          new TlsAuth(
              StaticKey.parse(p.staticKeyPem()),
              switch (p.keyDirection()) {
                case 0 -> KeyDirection.NORMAL;
                case 1 -> KeyDirection.INVERSE;
                default -> KeyDirection.BIDIRECTIONAL;
              },
              TlsAuth.Digest.valueOf(p.authDigest()));
    };
  }
}
