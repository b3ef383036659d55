package dev.braid.agent.openvpn.session;

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
    int clientReceiveBuffer) {

  /** Defaults matching a stock OpenVPN 2.6 server where they matter for interop. */
  public static ServerConfig defaults(ControlWrap wrap, TlsServerContext tls) {
    return new ServerConfig(
        wrap,
        tls,
        List.of(AeadCipher.AES_256_GCM, AeadCipher.AES_128_GCM, AeadCipher.CHACHA20_POLY1305),
        ReliableConfig.braid(),
        Duration.ofSeconds(60),
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Duration.ofSeconds(60),
        1000,
        List.of(),
        () -> System.currentTimeMillis() / 1000,
        Duration.ofHours(1),
        0);
  }

  public ServerConfig withPing(Duration interval) {
    Draft d = new Draft(this);
    d.ping = interval;
    return d.build();
  }

  public ServerConfig withReliable(ReliableConfig r) {
    Draft d = new Draft(this);
    d.reliable = r;
    return d.build();
  }

  /** The same with another wall clock (seconds) for replay-id epochs. */
  public ServerConfig withWallSeconds(LongSupplier clock) {
    Draft d = new Draft(this);
    d.wallSeconds = clock;
    return d.build();
  }

  /** The same with server-initiated renegotiation every {@code interval} (zero: never). */
  public ServerConfig withRenegotiate(Duration interval) {
    Draft d = new Draft(this);
    d.renegotiate = interval;
    return d.build();
  }

  /** The same pushing {@code rcvbuf bytes} to clients (zero: nothing). */
  public ServerConfig withClientReceiveBuffer(int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("clientReceiveBuffer must be >= 0, was " + bytes);
    }
    Draft d = new Draft(this);
    d.clientReceiveBuffer = bytes;
    return d.build();
  }

  /** A copy to change one component of, so that each {@code with} method names only that one. */
  private static final class Draft {
    private final ServerConfig base;
    ReliableConfig reliable;
    Duration ping;
    LongSupplier wallSeconds;
    Duration renegotiate;
    int clientReceiveBuffer;

    Draft(ServerConfig base) {
      this.base = base;
      reliable = base.reliable;
      ping = base.ping;
      wallSeconds = base.wallSeconds;
      renegotiate = base.renegotiate;
      clientReceiveBuffer = base.clientReceiveBuffer;
    }

    ServerConfig build() {
      return new ServerConfig(
          base.wrap,
          base.tls,
          base.ciphers,
          reliable,
          base.handWindow,
          ping,
          base.pingRestart,
          base.transitionWindow,
          base.tlsChunk,
          base.extraPush,
          wallSeconds,
          renegotiate,
          clientReceiveBuffer);
    }
  }
}
