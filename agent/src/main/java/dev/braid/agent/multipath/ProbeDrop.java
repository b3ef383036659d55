package dev.braid.agent.multipath;

/**
 * Why a probe message was not used. The first group is malformation (the codec), the second is a
 * well-formed message that must not change path state; each is counted.
 */
public enum ProbeDrop {
  /** Shorter than magic, version and kind. */
  TOO_SHORT,
  /** Does not start with the probe magic. */
  NOT_A_PROBE,
  /** A version this build does not speak. */
  UNKNOWN_VERSION,
  /** Neither probe nor reply. */
  UNKNOWN_KIND,
  /** Not exactly the length of its kind in this version. */
  WRONG_LENGTH,
  /** Flag bits this version does not define. */
  UNKNOWN_FLAGS,
  /** Reserved bytes that are not zero. */
  RESERVED_NOT_ZERO,
  /** Weight outside 1..100. */
  BAD_WEIGHT,
  /** The caller's path id is not a path of this session. */
  UNKNOWN_PATH,
  /** A reply that echoes a path id other than the path it arrived on. */
  WRONG_PATH,
  /** A reply to a sequence number never sent on this path, or too old to remember. */
  UNKNOWN_SEQUENCE,
  /** A second reply to the same probe. */
  ALREADY_ANSWERED,
  /** A reply whose echoed timestamp is not the one the probe carried. */
  ECHO_MISMATCH,
  /** A reply claiming the peer held the probe for longer than the round trip took. */
  BAD_HOLD_TIME
}
