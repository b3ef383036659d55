package dev.braid.agent.openvpn.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireFramingTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void dataV2HeaderVector() {
    byte[] out = new byte[4];
    new DataV2Header(1, 0x0A0B0C).encode(out, 0);
    assertThat(HEX.formatHex(out)).isEqualTo("490a0b0c");
    DataV2Header h = DataV2Header.decode(out, 0, 4).value();
    assertThat(h.keyId()).isEqualTo(1);
    assertThat(h.peerId()).isEqualTo(0x0A0B0C);
    assertThat(DataV2Header.decode(out, 0, 3).drop()).isEqualTo(DropReason.TRUNCATED_DATA_HEADER);
    assertThat(DataV2Header.decode(HEX.parseHex("30000000"), 0, 4).drop())
        .isEqualTo(DropReason.NOT_A_DATA_PACKET);
  }

  @Test
  void tcpFramesSplitAnywhereAreReassembled() {
    byte[] stream = HEX.parseHex("0003aabbcc" + "0001dd" + "0002eeff");
    TcpFramer f = new TcpFramer(1500);
    List<String> got = new java.util.ArrayList<>();
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
    assertThat(zero.error()).isEqualTo(DropReason.TCP_LENGTH_ZERO);
    TcpFramer big = new TcpFramer(1500);
    assertThat(big.feed(HEX.parseHex("05dd"), 0, 2)).isEmpty();
    assertThat(big.error()).isEqualTo(DropReason.TCP_LENGTH_TOO_LARGE);
    assertThat(big.feed(HEX.parseHex("0001aa"), 0, 3)).isEmpty();
  }
}
