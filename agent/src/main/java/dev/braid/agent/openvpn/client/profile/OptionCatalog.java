package dev.braid.agent.openvpn.client.profile;

import java.util.Map;

/**
 * OpenVPN client options the parser does not act on, each with why: those it ignores (they only
 * concern the stock client's process, platform or logging, so a site agent loses nothing) and those
 * it refuses (they change the protocol or the trust decision in a way Braid does not implement, so
 * ignoring them would connect differently from what the profile says).
 */
final class OptionCatalog {
  private OptionCatalog() {}

  /** Options that have no effect in Braid, with the reason given in the warning. */
  static final Map<String, String> IGNORED =
      Map.ofEntries(
          Map.entry("resolv-retry", "the agent resolves remotes and retries on its own"),
          Map.entry("nobind", "the agent picks its local addresses (uplinks)"),
          Map.entry("persist-key", "the agent keeps its keys across reconnects anyway"),
          Map.entry("persist-tun", "the agent owns its tunnel device"),
          Map.entry("verb", "the agent logs through its own logger"),
          Map.entry("mute", "the agent logs through its own logger"),
          Map.entry("mute-replay-warnings", "replays are counted, not logged"),
          Map.entry("float", "the agent accepts the server on every path it uses"),
          Map.entry("user", "the agent's process identity is set by its deployment"),
          Map.entry("group", "the agent's process identity is set by its deployment"),
          Map.entry("auth-nocache", "no password is used"),
          Map.entry("ping-timer-rem", "keepalive runs whenever connected"),
          Map.entry("script-security", "the agent runs no scripts"),
          Map.entry("up", "the agent runs no scripts; it configures the tunnel itself"),
          Map.entry("down", "the agent runs no scripts"),
          Map.entry("route-up", "the agent runs no scripts; it installs routes itself"),
          Map.entry("ipchange", "the agent runs no scripts"),
          Map.entry("up-restart", "the agent runs no scripts"),
          Map.entry("down-pre", "the agent runs no scripts"),
          Map.entry("setenv-safe", "the agent runs no scripts"),
          Map.entry("log", "the agent logs through its own logger"),
          Map.entry("log-append", "the agent logs through its own logger"),
          Map.entry("status", "the agent reports status itself"),
          Map.entry("status-version", "the agent reports status itself"),
          Map.entry("writepid", "not a daemon"),
          Map.entry("daemon", "not a daemon"),
          Map.entry("syslog", "the agent logs through its own logger"),
          Map.entry("cd", "no files are read at run time"),
          Map.entry("chroot", "no files are read at run time"),
          Map.entry("management", "the agent has its own status and metrics"),
          Map.entry("management-query-passwords", "no password is used"),
          Map.entry("management-hold", "the agent has its own status and metrics"),
          Map.entry("management-client", "the agent has its own status and metrics"),
          Map.entry("tls-cipher", "TLS 1.2 cipher suites are the JDK's secure defaults"),
          Map.entry("tls-ciphersuites", "TLS 1.3 cipher suites are the JDK's secure defaults"),
          Map.entry("tls-groups", "key exchange groups are the JDK's defaults"),
          Map.entry("tls-cert-profile", "certificate algorithm checks are the JDK's defaults"),
          Map.entry("tls-timeout", "Braid's control channel times retransmissions by measured RTT"),
          Map.entry("link-mtu", "obsolete; the agent sizes packets from tun-mtu"),
          Map.entry("mtu-disc", "path MTU discovery follows the kernel's default"),
          Map.entry("mssfix", "the agent does not rewrite TCP MSS"),
          Map.entry("reneg-bytes", "renegotiation is by time (reneg-sec) and packet count only"),
          Map.entry("reneg-pkts", "renegotiation is by time (reneg-sec) and packet count only"),
          Map.entry("block-outside-dns", "Windows only"),
          Map.entry("register-dns", "Windows only"),
          Map.entry("route-method", "Windows only"),
          Map.entry("ip-win32", "Windows only"),
          Map.entry("dhcp-release", "Windows only"),
          Map.entry("dhcp-renew", "Windows only"),
          Map.entry("route-delay", "routes are installed once the tunnel is up"),
          Map.entry("dev-node", "the agent creates its own tunnel device"),
          Map.entry("topology", "the server pushes the topology"),
          Map.entry("lport", "the agent picks its local ports"),
          Map.entry("bind", "the agent picks its local addresses"),
          Map.entry("local", "the agent picks its local addresses (multipath uplinks)"),
          Map.entry("single-session", "a client session is single anyway"),
          Map.entry("tls-exit", "a TLS error reconnects, with backoff"),
          Map.entry("x509-username-field", "a server option"),
          Map.entry("route-metric", "the agent chooses route metrics"),
          Map.entry("route-noexec", "the agent installs routes itself"),
          Map.entry("ifconfig-noexec", "the agent configures its tunnel itself"),
          Map.entry("machine-readable-output", "the agent logs through its own logger"),
          Map.entry("push-peer-info", "the agent always sends the peer-info it needs"),
          Map.entry(
              "allow-pull-fqdn", "routes to names are passed to the route installer as pushed"),
          Map.entry("fast-io", "the agent's I/O does not use it"),
          Map.entry("txqueuelen", "the agent creates its own tunnel device"),
          Map.entry("nice", "the agent's scheduling is set by its deployment"),
          Map.entry("passtos", "not implemented; packets keep a default TOS on the outer header"),
          Map.entry("opt-verify", "option strings are informational (OpenVPN 2.6 deprecated this)"),
          Map.entry("allow-compression", "compression is never used"),
          Map.entry(
              "data-ciphers-fallback",
              "only needed for servers older than OpenVPN 2.4, which Braid does not support"));

  /** Options Braid cannot honour, with the reason given in the error. */
  static final Map<String, String> UNSUPPORTED =
      Map.ofEntries(
          Map.entry(
              "tls-crypt-v2",
              "tls-crypt-v2 (per-client control-channel keys) is not supported; use tls-crypt or tls-auth"),
          Map.entry("secret", "static-key mode has no TLS; Braid needs TLS client certificates"),
          Map.entry(
              "auth-user-pass",
              "username/password authentication is not supported; Braid identifies sites by certificate"),
          Map.entry("static-challenge", "username/password authentication is not supported"),
          Map.entry("pkcs12", "PKCS#12 bundles are not supported; use <cert> and <key> PEM blocks"),
          Map.entry("pkcs11-providers", "hardware tokens are not supported"),
          Map.entry("pkcs11-id", "hardware tokens are not supported"),
          Map.entry("cryptoapicert", "Windows certificate stores are not supported"),
          Map.entry("management-external-key", "external keys are not supported"),
          Map.entry("management-external-cert", "external certificates are not supported"),
          Map.entry("askpass", "encrypted private keys are not supported"),
          Map.entry("http-proxy", "proxies are not supported"),
          Map.entry("http-proxy-option", "proxies are not supported"),
          Map.entry("http-proxy-user-pass", "proxies are not supported"),
          Map.entry("socks-proxy", "proxies are not supported"),
          Map.entry("fragment", "data-channel fragmentation is not supported"),
          Map.entry("tls-server", "this is a server option: the profile must be a client profile"),
          Map.entry("server", "this is a server option: the profile must be a client profile"),
          Map.entry(
              "server-bridge", "this is a server option: the profile must be a client profile"),
          Map.entry("mode", "this is a server option: the profile must be a client profile"),
          Map.entry(
              "ifconfig",
              "peer-to-peer tunnels are not supported; the server pushes the tunnel address"),
          Map.entry(
              "tls-verify", "verification scripts are not run, so their check would be skipped"),
          Map.entry(
              "remote-cert-ku", "key usage values are not checked; use remote-cert-tls server"),
          Map.entry(
              "peer-fingerprint", "certificate fingerprint pinning is not supported; use <ca>"),
          Map.entry("pull-filter", "filtering pushed options is not supported"),
          Map.entry("inactive", "disconnecting on inactivity is not supported"),
          Map.entry("connection", "<connection> blocks are not supported; use remote lines"),
          Map.entry("shaper", "traffic shaping is not supported"),
          Map.entry("tls-crypt-v2-verify", "a server option"));
}
