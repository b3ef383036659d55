package dev.braid.api.config;

import dev.braid.api.v1alpha1.ControlChannelProtection;
import dev.braid.api.v1alpha1.DataCipher;
import dev.braid.api.v1alpha1.GatewayMode;
import dev.braid.api.v1alpha1.HmacDigest;
import dev.braid.api.v1alpha1.Transport;
import java.util.List;

/**
 * The one home of every agent setting's default. The VPNGateway CRD's {@code @Default}s, the
 * operator's renderer, the parser (through {@link AgentConfig}'s constructors) and the agent's
 * runtime all read these constants, so a default is changed here and nowhere else. A setting an
 * agent document leaves unset takes the value here; settings whose default depends on the node
 * (workers) say so.
 */
public final class AgentDefaults {
  /** {@code mode}: a server accepting clients. */
  public static final GatewayMode MODE = GatewayMode.SERVER;

  /** {@code listen.port}, OpenVPN's port. */
  public static final int PORT = 1194;

  /** {@code listen.transports}. */
  public static final List<Transport> TRANSPORTS = List.of(Transport.UDP);

  /** {@code receiveHoldMicros}: receive moderation while packets stream in (0: off). */
  public static final int RECEIVE_HOLD_MICROS = 200;

  /** {@code udpSegmentation}: UDP GSO sends. */
  public static final boolean UDP_SEGMENTATION = true;

  /** {@code mtu} of the tunnel device and of the clients' tunnels. */
  public static final int MTU = 1500;

  /** {@code nat}: tunnel traffic leaving the node is masqueraded to the node's address. */
  public static final boolean NAT = true;

  /** {@code ciphers}, in order of preference. */
  public static final List<DataCipher> CIPHERS =
      List.of(DataCipher.AES_256_GCM, DataCipher.AES_128_GCM, DataCipher.CHACHA20_POLY1305);

  /** {@code keepalive.intervalSeconds}: a ping after this many idle seconds. */
  public static final int KEEPALIVE_INTERVAL_SECONDS = 10;

  /** {@code keepalive.timeoutSeconds}: a peer silent this long is gone. */
  public static final int KEEPALIVE_TIMEOUT_SECONDS = 60;

  /** {@code renegotiateSeconds}: data keys are renewed hourly (0: never). */
  public static final int RENEGOTIATE_SECONDS = 3600;

  /** {@code duplicateCommonNames}: a client connecting again replaces its older session. */
  public static final boolean DUPLICATE_COMMON_NAMES = false;

  /** {@code clientReceiveBuffer}: 1 MiB pushed to UDP clients as {@code rcvbuf} (0: none). */
  public static final int CLIENT_RECEIVE_BUFFER = 1 << 20;

  /** {@code tls.controlChannel}. */
  public static final ControlChannelProtection CONTROL_CHANNEL = ControlChannelProtection.TLS_CRYPT;

  /** {@code tls.authDigest} for tls-auth. */
  public static final HmacDigest AUTH_DIGEST = HmacDigest.SHA1;

  /** {@code tls.minVersion}. */
  public static final String TLS_MIN_VERSION = "1.2";

  /** {@code control.httpPort}: health and metrics. */
  public static final int HTTP_PORT = 9464;

  /** {@code control.statusIntervalSeconds}: status reports when nothing changes. */
  public static final int STATUS_INTERVAL_SECONDS = 30;

  /** {@code multipath.probeIntervalMillis}: every path probed ten times a second. */
  public static final int MULTIPATH_PROBE_INTERVAL_MILLIS = 100;

  /** {@code multipath.reorder.enabled}. */
  public static final boolean MULTIPATH_REORDER = true;

  /** {@code multipath.reorder.maxHoldMillis}: longest a gap is waited for. */
  public static final int MULTIPATH_REORDER_MAX_HOLD_MILLIS = 500;

  private AgentDefaults() {}

  /** {@code workers}: one per CPU core of the node the agent runs on. */
  public static int workers() {
    return Runtime.getRuntime().availableProcessors();
  }
}
