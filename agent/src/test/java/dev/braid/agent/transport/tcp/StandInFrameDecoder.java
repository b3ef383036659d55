package dev.braid.agent.transport.tcp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A test stand-in for the protocol package's framing: u16 big-endian length, then the frame. Zero
 * and lengths above the limit are refused, as the real decoder does.
 */
final class StandInFrameDecoder implements FrameDecoder {
  private final int maxFrame;
  private final List<byte[]> frames = new ArrayList<>();
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  StandInFrameDecoder(int maxFrame) {
    this.maxFrame = maxFrame;
  }

  @Override
  public String feed(byte[] data, int off, int len) {
    pending.write(data, off, len);
    byte[] buf = pending.toByteArray();
    int pos = 0;
    while (buf.length - pos >= 2) {
      int length = (buf[pos] & 0xFF) << 8 | buf[pos + 1] & 0xFF;
      if (length == 0 || length > maxFrame) {
        return "length prefix " + length + " outside 1.." + maxFrame;
      }
      if (buf.length - pos - 2 < length) {
        break;
      }
      frames.add(java.util.Arrays.copyOfRange(buf, pos + 2, pos + 2 + length));
      pos += 2 + length;
    }
    pending.reset();
    pending.write(buf, pos, buf.length - pos);
    return null;
  }

  List<byte[]> frames() {
    return frames;
  }

  static byte[] frame(byte[] payload) {
    byte[] out = new byte[payload.length + 2];
    out[0] = (byte) (payload.length >>> 8);
    out[1] = (byte) payload.length;
    System.arraycopy(payload, 0, out, 2, payload.length);
    return out;
  }
}
