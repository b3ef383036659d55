package dev.braid.agent.openvpn.tlswrap;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An OpenVPN static key ("OpenVPN Static key V1"): 256 bytes, two 128-byte keys, each a 64-byte
 * cipher slot followed by a 64-byte HMAC slot.
 */
public final class StaticKey {
  public static final int SIZE = 256;
  private static final String BEGIN = "-----BEGIN OpenVPN Static key V1-----";
  private static final String END = "-----END OpenVPN Static key V1-----";

  private final byte[] bytes;

  public StaticKey(byte[] bytes) {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("static key must be 256 bytes, got " + bytes.length);
    }
    this.bytes = bytes.clone();
  }

  /**
   * Parses the file format: anything before the BEGIN line (comments) is ignored, then hex lines
   * until END.
   *
   * @throws IllegalArgumentException naming the line and the problem
   */
  public static StaticKey parse(String text) {
    String[] lines = text.split("\r?\n", -1);
    int line = 0;
    while (line < lines.length && !lines[line].strip().equals(BEGIN)) {
      line++;
    }
    if (line == lines.length) {
      throw new IllegalArgumentException("static key: no '" + BEGIN + "' line");
    }
    StringBuilder hex = new StringBuilder(2 * SIZE);
    for (line++; line < lines.length; line++) {
      String l = lines[line].strip();
      if (l.equals(END)) {
        if (hex.length() != 2 * SIZE) {
          throw new IllegalArgumentException(
              "static key: "
                  + hex.length() / 2
                  + " bytes before END at line "
                  + (line + 1)
                  + ", need 256");
        }
        return new StaticKey(HexFormat.of().parseHex(hex));
      }
      if (!l.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw new IllegalArgumentException("static key: line " + (line + 1) + " is not hex");
      }
      hex.append(l);
    }
    throw new IllegalArgumentException("static key: no '" + END + "' line");
  }

  /** Renders the file format (16 bytes per line), as openvpn --genkey writes it. */
  public String format() {
    StringBuilder sb = new StringBuilder(BEGIN).append('\n');
    HexFormat hex = HexFormat.of();
    for (int i = 0; i < SIZE; i += 16) {
      sb.append(hex.formatHex(bytes, i, i + 16)).append('\n');
    }
    return sb.append(END).append('\n').toString();
  }

  /** The first {@code length} bytes of key {@code index}'s cipher slot. */
  public byte[] cipherKey(int index, int length) {
    return slice(index * 128, length);
  }

  /** The first {@code length} bytes of key {@code index}'s HMAC slot. */
  public byte[] hmacKey(int index, int length) {
    return slice(index * 128 + 64, length);
  }

  private byte[] slice(int from, int length) {
    if (length > 64) {
      throw new IllegalArgumentException("a key slot holds 64 bytes, asked " + length);
    }
    return Arrays.copyOfRange(bytes, from, from + length);
  }
}
