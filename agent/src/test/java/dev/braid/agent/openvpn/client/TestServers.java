package dev.braid.agent.openvpn.client;

import dev.braid.agent.openvpn.session.ServerConfig;
import java.util.ArrayList;
import java.util.List;

/** Server configurations for client tests. */
final class TestServers {
  private TestServers() {}

  /** {@code base} pushing {@code options} in addition to what it pushes anyway. */
  static ServerConfig withPush(ServerConfig base, String... options) {
    List<String> push = new ArrayList<>(base.extraPush());
    push.addAll(List.of(options));
    return base.toBuilder().extraPush(push).build();
  }
}
