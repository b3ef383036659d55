package dev.braid.agent.openvpn.wire;

/**
 * Why an incoming packet was dropped; one value per distinct malformation so drops are counted by
 * cause.
 */
public enum DropReason {
  EMPTY,
  UNKNOWN_OPCODE,
  KEY_METHOD_1_RESET,
  NOT_A_CONTROL_PACKET,
  NOT_A_DATA_PACKET,
  TRUNCATED_SESSION_ID,
  ZERO_SESSION_ID,
  TRUNCATED_ACK_COUNT,
  TOO_MANY_ACKS,
  TRUNCATED_ACK_IDS,
  TRUNCATED_PEER_SESSION_ID,
  ZERO_PEER_SESSION_ID,
  TRUNCATED_MESSAGE_ID,
  ACK_WITH_TRAILING_BYTES,
  ACK_WITHOUT_ACKS,
  UNKNOWN_SESSION,
  WRONG_PEER_SESSION_ID,
  UNKNOWN_PEER_ID,
  UNKNOWN_KEY_ID,
  DATA_V1_UNSUPPORTED,
  RESET_NOT_ID_ZERO,
  POOL_EXHAUSTED,
  TRUNCATED_DATA_HEADER,
  TLS_AUTH_TOO_SHORT,
  TLS_AUTH_BAD_HMAC,
  TLS_CRYPT_TOO_SHORT,
  TLS_CRYPT_BAD_TAG,
  DATA_BAD_TAG,
  REPLAY,
  REPLAY_ID_ZERO,
  REPLAY_TOO_OLD,
  RESET_COOKIE_INVALID,
  RESET_RATE_LIMITED,
  /** Tunnel data from a client the server is sending away (revoked certificate). */
  SESSION_CLOSING,
  /** Control packet under a replaced tls-crypt/tls-auth key from a client that has no session. */
  RETIRED_CONTROL_KEY,
  /**
   * A second copy of a packet a multipath peer sent on several paths (its id was already received):
   * counted apart from {@link #REPLAY}, which on a single-path session means an attack.
   */
  MULTIPATH_DUPLICATE
}
