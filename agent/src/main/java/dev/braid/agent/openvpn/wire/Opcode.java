package dev.braid.agent.openvpn.wire;

/** OpenVPN packet opcodes (high 5 bits of the first byte; the low 3 bits are the key id). */
public enum Opcode {
  CONTROL_HARD_RESET_CLIENT_V1(1),
  CONTROL_HARD_RESET_SERVER_V1(2),
  CONTROL_SOFT_RESET_V1(3),
  CONTROL_V1(4),
  ACK_V1(5),
  DATA_V1(6),
  CONTROL_HARD_RESET_CLIENT_V2(7),
  CONTROL_HARD_RESET_SERVER_V2(8),
  DATA_V2(9),
  CONTROL_HARD_RESET_CLIENT_V3(10),
  CONTROL_WKC_V1(11);

  public static final int KEY_ID_MASK = 0x07;
  public static final int SHIFT = 3;
  private static final Opcode[] BY_VALUE = new Opcode[32];

  static {
    for (Opcode o : values()) {
      BY_VALUE[o.value] = o;
    }
  }

  private final int value;

  Opcode(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  /** The opcode in a packet's first byte, or null if unassigned. */
  public static Opcode ofFirstByte(int firstByte) {
    return BY_VALUE[(firstByte & 0xFF) >>> SHIFT];
  }

  /** The opcode with this numeric value, or null. */
  public static Opcode ofValue(int value) {
    return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
  }

  public static int keyId(int firstByte) {
    return firstByte & KEY_ID_MASK;
  }

  public int firstByte(int keyId) {
    if ((keyId & ~KEY_ID_MASK) != 0) {
      throw new IllegalArgumentException("key id out of range 0..7: " + keyId);
    }
    return value << SHIFT | keyId;
  }

  public boolean isData() {
    return this == DATA_V1 || this == DATA_V2;
  }

  /** Control opcodes that carry a message id (all control opcodes but ACK_V1). */
  public boolean carriesMessage() {
    return !isData() && this != ACK_V1;
  }

  public boolean isHardResetV2() {
    return this == CONTROL_HARD_RESET_CLIENT_V2 || this == CONTROL_HARD_RESET_SERVER_V2;
  }
}
