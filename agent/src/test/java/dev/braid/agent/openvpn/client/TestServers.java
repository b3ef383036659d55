package dev.braid.agent.openvpn.client;

import dev.braid.agent.openvpn.session.ServerConfig;
import java.util.ArrayList;
import java.util.List;

/** Server configurations for client tests; the one place that builds a ServerConfig by hand. */
final class TestServers {
  private TestServers() {}

  /** {@code base} pushing {@code options} in addition to what it pushes anyway. */
  static ServerConfig withPush(ServerConfig base, String... options) {
    List<String> push = new ArrayList<>(base.extraPush());
    push.addAll(List.of(options));
    return new ServerConfig(
        base.wrap(),
        base.tls(),
        base.ciphers(),
        base.reliable(),
        base.handWindow(),
        base.ping(),
        base.pingRestart(),
        base.transitionWindow(),
        base.tlsChunk(),
        push,
        base.wallSeconds(),
        base.renegotiate(),
        base.clientReceiveBuffer());
  }
}
