package dev.braid.agent.openvpn.keys;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The key-method 2 messages exchanged inside TLS once the handshake completes. */
public final class KeyMethod2 {
  public static final int PRE_MASTER = 48;
  public static final int RANDOM = 32;
  private static final int MAX_OPTIONS = 1024;
  private static final int MAX_PEER_INFO = 4096;

  private KeyMethod2() {}

  /** What the client sent. Strings are without their NUL; empty when absent. */
  public record ClientMessage(
      byte[] preMaster,
      byte[] random1,
      byte[] random2,
      String options,
      String username,
      String password,
      String peerInfo) {

    /** Peer-info lines {@code KEY=value} as a map, in order. */
    public Map<String, String> peerInfoMap() {
      Map<String, String> m = new LinkedHashMap<>();
      for (String line : peerInfo.split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          m.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      return m;
    }

    /** IV_PROTO bit test (e.g. 8 = TLS key export). */
    public boolean protoFlag(int bit) {
      try {
        return (Integer.parseInt(peerInfoMap().getOrDefault("IV_PROTO", "0")) & bit) != 0;
      } catch (NumberFormatException e) {
        return false;
      }
    }
  }

  /** Parse outcome: the message, or a description of what is wrong. */
  public record Parsed(ClientMessage message, String error) {}

  /**
   * What the server sent: its two randoms and its options string (username, password and peer-info,
   * empty from a server, are read past).
   */
  public record ServerMessage(byte[] random1, byte[] random2, String options) {}

  /**
   * Reading a server's message from the start of the TLS plaintext, which may hold more (a
   * PUSH_REPLY sent unasked right behind it) or less (the message split over TLS records).
   *
   * @param message the message, null when incomplete or malformed
   * @param consumed bytes the message took, 0 unless {@code message} is set
   * @param error what is wrong, null unless malformed
   */
  public record ServerRead(ServerMessage message, int consumed, String error) {
    /** True when more plaintext is needed before the message can be read. */
    public boolean incomplete() {
      return message == null && error == null;
    }
  }

  /** Parses a client's key-method 2 message. */
  public static Parsed parseClient(byte[] plain) {
    ByteBuffer b = ByteBuffer.wrap(plain);
    if (b.remaining() < 5 + PRE_MASTER + 2 * RANDOM) {
      return new Parsed(null, "key-method 2 message truncated: " + plain.length + " bytes");
    }
    if (b.getInt() != 0) {
      return new Parsed(null, "key-method 2 message: leading u32 is not 0");
    }
    int method = b.get() & 0x0F;
    if (method != 2) {
      return new Parsed(null, "unsupported key method " + method);
    }
    byte[] pre = new byte[PRE_MASTER];
    byte[] r1 = new byte[RANDOM];
    byte[] r2 = new byte[RANDOM];
    b.get(pre).get(r1).get(r2);
    String options = readString(b, MAX_OPTIONS);
    if (options == null) {
      return new Parsed(null, "key-method 2 options string missing or too long");
    }
    String user = b.hasRemaining() ? readString(b, 512) : "";
    String pass = b.hasRemaining() ? readString(b, 512) : "";
    String info = b.hasRemaining() ? readString(b, MAX_PEER_INFO) : "";
    if (user == null || pass == null || info == null) {
      return new Parsed(null, "key-method 2 username/password/peer-info malformed");
    }
    return new Parsed(new ClientMessage(pre, r1, r2, options, user, pass, info), null);
  }

  /**
   * Reads a server's key-method 2 message (what {@link #serverMessage} writes; an OpenVPN server
   * writes the same) from the start of {@code plain}.
   */
  public static ServerRead parseServer(byte[] plain) {
    ByteBuffer b = ByteBuffer.wrap(plain);
    if (b.remaining() < 5 + 2 * RANDOM) {
      return new ServerRead(null, 0, null);
    }
    if (b.getInt() != 0) {
      return new ServerRead(null, 0, "server key-method 2 message: leading u32 is not 0");
    }
    int method = b.get() & 0x0F;
    if (method != 2) {
      return new ServerRead(null, 0, "server uses unsupported key method " + method);
    }
    byte[] r1 = new byte[RANDOM];
    byte[] r2 = new byte[RANDOM];
    b.get(r1).get(r2);
    String options = null;
    for (int field = 0; field < 4; field++) { // options, username, password, peer-info
      if (b.remaining() < 2) {
        return new ServerRead(null, 0, null);
      }
      int len = b.getShort() & 0xFFFF;
      if (len > MAX_PEER_INFO) {
        return new ServerRead(
            null, 0, "server key-method 2 message: string of " + len + " bytes is too long");
      }
      if (b.remaining() < len) {
        return new ServerRead(null, 0, null);
      }
      byte[] s = new byte[len];
      b.get(s);
      if (field == 0) {
        int end = 0;
        while (end < len && s[end] != 0) {
          end++;
        }
        options = new String(s, 0, end, StandardCharsets.UTF_8);
      }
    }
    return new ServerRead(new ServerMessage(r1, r2, options), b.position(), null);
  }

  /** The server's message: randoms, options string, then empty username, password and peer-info. */
  public static byte[] serverMessage(byte[] random1, byte[] random2, String options) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0, 0, 0, 0, 2});
    out.writeBytes(random1);
    out.writeBytes(random2);
    writeString(out, options);
    out.writeBytes(new byte[6]); // three empty strings
    return out.toByteArray();
  }

  /** A client's message, for tests and a Braid client. */
  public static byte[] clientMessage(ClientMessage m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0, 0, 0, 0, 2});
    out.writeBytes(m.preMaster());
    out.writeBytes(m.random1());
    out.writeBytes(m.random2());
    writeString(out, m.options());
    for (String s : new String[] {m.username(), m.password(), m.peerInfo()}) {
      if (s.isEmpty()) {
        out.writeBytes(new byte[2]);
      } else {
        writeString(out, s);
      }
    }
    return out.toByteArray();
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    int len = b.length + 1;
    out.write(len >>> 8);
    out.write(len);
    out.writeBytes(b);
    out.write(0);
  }

  /** u16 length (including NUL) then bytes; null if malformed. Length 0 = empty string. */
  private static String readString(ByteBuffer b, int max) {
    if (b.remaining() < 2) {
      return null;
    }
    int len = b.getShort() & 0xFFFF;
    if (len == 0) {
      return "";
    }
    if (len > max || len > b.remaining()) {
      return null;
    }
    byte[] s = new byte[len];
    b.get(s);
    int end = 0;
    while (end < len && s[end] != 0) {
      end++;
    }
    return new String(s, 0, end, StandardCharsets.UTF_8);
  }
}
