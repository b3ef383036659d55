package dev.braid.agent.multipath;

import java.util.HexFormat;

/**
 * Wire format of probes and replies. They travel as data-channel payloads (encrypted and
 * authenticated like OpenVPN's ping), recognised by a 16-byte magic that differs from OpenVPN's
 * ping and OCC magics and cannot start an IP packet (its first nibble is 2). Big-endian:
 *
 * <pre>
 * both   0 magic(16) 16 version(1)=1 17 kind(1) 18 path id(1) 19 flags(1)
 * probe  20 uplink id(1) 21 weight(1) 22 zero(2) 24 sequence(4) 28 sent nanos(8)
 *        36 sending set(8) 44 packets received(8)                                     = 52
 * reply  20 zero(4) 24 sequence(4) 28 echoed sent nanos(8) 36 received nanos(8)
 *        44 hold nanos(4) 48 probes received(4) 52 packets received(8) 60 bytes received(8) = 68
 * </pre>
 *
 * Timestamps are each side's own monotonic clock; only the prober compares its own. The sending set
 * (bit i: the prober's path i carries tunnel packets now) tells the receiver's reorder buffer which
 * paths a missing packet id may still arrive on, as of this probe's packet id; packets received is
 * the prober's count for this path in the other direction, so that the receiver learns its own
 * sending direction delivers even when its probes are lost in a full queue. Parsing is strict: each
 * kind has one length per version, undefined flags and reserved bytes are refused. Decoding never
 * throws and allocates nothing.
 */
final class ProbeCodec {
  /** The probe magic. */
  static final byte[] MAGIC = HexFormat.of().parseHex("2c7d1f9a5be04c3e8d6a92f14b07c3e5");

  /** The version this build writes and reads. */
  public static final int VERSION = 1;

  /** Length of a version-1 probe. */
  public static final int PROBE_LENGTH = 52;

  /** Length of a version-1 reply. */
  public static final int REPLY_LENGTH = 68;

  /** Flag: the prober's uplink is a backup uplink. */
  static final int FLAG_BACKUP = 1;

  private static final int HEADER = 18;

  private ProbeCodec() {}

  /** Whether a decrypted data-channel payload is a probe message (of any version). */
  public static boolean isProbe(byte[] b, int off, int len) {
    if (len < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (b[off + i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** Decodes into {@code into}; null on success, else why the bytes are not a valid message. */
  public static ProbeDrop decode(byte[] b, int off, int len, ProbeMessage into) {
    if (len < HEADER) {
      return ProbeDrop.TOO_SHORT;
    }
    if (!isProbe(b, off, len)) {
      return ProbeDrop.NOT_A_PROBE;
    }
    if ((b[off + 16] & 0xFF) != VERSION) {
      return ProbeDrop.UNKNOWN_VERSION;
    }
    int kind = b[off + 17] & 0xFF;
    if (kind != ProbeMessage.PROBE && kind != ProbeMessage.REPLY) {
      return ProbeDrop.UNKNOWN_KIND;
    }
    if (len != (kind == ProbeMessage.PROBE ? PROBE_LENGTH : REPLY_LENGTH)) {
      return ProbeDrop.WRONG_LENGTH;
    }
    int flags = b[off + 19] & 0xFF;
    if (kind == ProbeMessage.PROBE ? (flags & ~FLAG_BACKUP) != 0 : flags != 0) {
      return ProbeDrop.UNKNOWN_FLAGS;
    }
    if (kind == ProbeMessage.PROBE ? u16(b, off + 22) != 0 : u32(b, off + 20) != 0) {
      return ProbeDrop.RESERVED_NOT_ZERO;
    }
    into.kind = kind;
    into.pathId = b[off + 18] & 0xFF;
    into.sequence = u32(b, off + 24);
    if (kind == ProbeMessage.PROBE) {
      int weight = b[off + 21] & 0xFF;
      if (weight < 1 || weight > PathSpec.MAX_WEIGHT) {
        return ProbeDrop.BAD_WEIGHT;
      }
      into.backup = (flags & FLAG_BACKUP) != 0;
      into.uplinkId = b[off + 20] & 0xFF;
      into.weight = weight;
      into.sentNanos = i64(b, off + 28);
      into.sendingSet = i64(b, off + 36);
      into.packetsReceived = i64(b, off + 44);
    } else {
      into.echoedNanos = i64(b, off + 28);
      into.receivedNanos = i64(b, off + 36);
      into.holdNanos = u32(b, off + 44);
      into.probesReceived = u32(b, off + 48);
      into.packetsReceived = i64(b, off + 52);
      into.bytesReceived = i64(b, off + 60);
    }
    return null;
  }

  /** Writes a probe at {@code off}; returns its length. */
  static int encodeProbe(
      byte[] out,
      int off,
      int pathId,
      int uplinkId,
      int weight,
      boolean backup,
      long sequence,
      long sentNanos,
      long sendingSet,
      long packetsReceived) {
    header(out, off, ProbeMessage.PROBE, pathId, backup ? FLAG_BACKUP : 0);
    out[off + 20] = (byte) uplinkId;
    out[off + 21] = (byte) weight;
    out[off + 22] = 0;
    out[off + 23] = 0;
    putU32(out, off + 24, sequence);
    putI64(out, off + 28, sentNanos);
    putI64(out, off + 36, sendingSet);
    putI64(out, off + 44, packetsReceived);
    return PROBE_LENGTH;
  }

  /**
   * Writes the reply to {@code probe} at {@code off}; returns its length. Counters are this side's
   * receive counters for the path the probe arrived on; 32-bit fields wrap, and the hold time is
   * capped at about 4.3 s.
   */
  static int encodeReply(
      byte[] out,
      int off,
      ProbeMessage probe,
      long receivedNanos,
      long holdNanos,
      long probesReceived,
      long packetsReceived,
      long bytesReceived) {
    header(out, off, ProbeMessage.REPLY, probe.pathId, 0);
    putU32(out, off + 20, 0);
    putU32(out, off + 24, probe.sequence);
    putI64(out, off + 28, probe.sentNanos);
    putI64(out, off + 36, receivedNanos);
    putU32(out, off + 44, Math.clamp(holdNanos, 0, 0xFFFF_FFFFL));
    putU32(out, off + 48, probesReceived);
    putI64(out, off + 52, packetsReceived);
    putI64(out, off + 60, bytesReceived);
    return REPLY_LENGTH;
  }

  private static void header(byte[] out, int off, int kind, int pathId, int flags) {
    System.arraycopy(MAGIC, 0, out, off, MAGIC.length);
    out[off + 16] = VERSION;
    out[off + 17] = (byte) kind;
    out[off + 18] = (byte) pathId;
    out[off + 19] = (byte) flags;
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
  }

  private static long u32(byte[] b, int at) {
    return (long) (b[at] & 0xFF) << 24
        | (b[at + 1] & 0xFF) << 16
        | (b[at + 2] & 0xFF) << 8
        | b[at + 3] & 0xFF;
  }

  private static long i64(byte[] b, int at) {
    return u32(b, at) << 32 | u32(b, at + 4);
  }

  private static void putU32(byte[] b, int at, long v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  private static void putI64(byte[] b, int at, long v) {
    putU32(b, at, v >>> 32);
    putU32(b, at + 4, v);
  }
}
