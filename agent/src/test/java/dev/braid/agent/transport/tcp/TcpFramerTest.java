package dev.braid.agent.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpFramerTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void tcpFramesSplitAnywhereAreReassembled() {
    byte[] stream = HEX.parseHex("0003aabbcc" + "0001dd" + "0002eeff");
    TcpFramer f = new TcpFramer(1500);
    List<String> got = new ArrayList<>();
    for (byte b : stream) {
      f.feed(new byte[] {b}, 0, 1).forEach(p -> got.add(HEX.formatHex(p)));
    }
    assertThat(got).containsExactly("aabbcc", "dd", "eeff");
    assertThat(HEX.formatHex(TcpFramer.frame(HEX.parseHex("aabbcc")))).isEqualTo("0003aabbcc");
  }

  @Test
  void zeroAndOversizedLengthsKillTheStream() {
    TcpFramer zero = new TcpFramer(1500);
    assertThat(zero.feed(HEX.parseHex("0000aabb"), 0, 4)).isEmpty();
    assertThat(zero.error()).startsWith("TCP_LENGTH_ZERO");
    TcpFramer big = new TcpFramer(1500);
    assertThat(big.feed(HEX.parseHex("05dd"), 0, 2)).isEmpty();
    assertThat(big.error()).startsWith("TCP_LENGTH_TOO_LARGE").contains("1501");
    assertThat(big.feed(HEX.parseHex("0001aa"), 0, 3)).isEmpty();
  }
}
