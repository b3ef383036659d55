package dev.braid.operator.pki;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * OpenVPN static key V1 text, the format of {@code --tls-crypt} and {@code --tls-auth} keys: 256
 * random bytes as hex, 16 bytes per line, between BEGIN/END markers.
 */
public final class StaticKeyFile {
  private static final String BEGIN = "-----BEGIN OpenVPN Static key V1-----";
  private static final String END = "-----END OpenVPN Static key V1-----";
  private static final Pattern BODY_LINE = Pattern.compile("^[0-9a-f]{32}$");
  private static final int BYTES = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  private StaticKeyFile() {}

  /** A fresh random key. */
  public static String generate() {
    byte[] key = new byte[BYTES];
    RANDOM.nextBytes(key);
    StringBuilder out = new StringBuilder(BEGIN).append('\n');
    HexFormat hex = HexFormat.of();
    for (int i = 0; i < BYTES; i += 16) {
      out.append(hex.formatHex(key, i, i + 16)).append('\n');
    }
    return out.append(END).append('\n').toString();
  }

  /** True when the text is a complete V1 static key. */
  public static boolean isValid(String text) {
    if (text == null) {
      return false;
    }
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      return false;
    }
    String[] lines = text.substring(begin + BEGIN.length(), end).strip().split("\\R");
    if (lines.length != BYTES / 16) {
      return false;
    }
    for (String line : lines) {
      if (!BODY_LINE.matcher(line.strip()).matches()) {
        return false;
      }
    }
    return true;
  }
}
